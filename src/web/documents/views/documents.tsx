import type { DocumentSort, DocumentSummary } from "../../../domain/documents.ts";
import { describeSize } from "../../../domain/files.ts";
import { PAGE_SIZES } from "../../../domain/forum.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  FileUpload,
  Pagination,
  Table,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { ListControls } from "../../views/list-controls.tsx";
import { Byline, When } from "../../views/pages/items.tsx";

const SORT_LABELS: Record<DocumentSort, string> = {
  latest: "Latest",
  az: "A to Z",
  mine: "My documents",
};

const TYPE_LABELS: Record<string, string> = {
  "application/pdf": "PDF",
  "image/png": "PNG image",
  "image/jpeg": "JPEG image",
  "image/gif": "GIF image",
  "image/webp": "WebP image",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation":
    "PowerPoint presentation",
  "application/vnd.oasis.opendocument.text": "OpenDocument text",
  "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
  "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
  "application/msword": "Word 97-2003 document",
  "application/vnd.ms-excel": "Excel 97-2003 spreadsheet",
  "application/vnd.ms-powerpoint": "PowerPoint 97-2003 presentation",
  "text/plain": "Plain text",
  "text/csv": "CSV spreadsheet",
  "application/zip": "ZIP archive",
};

/** A reader's name for a media type, e.g. "Word document". */
export function typeLabel(mediaType: string): string {
  return TYPE_LABELS[mediaType] ?? "File";
}

/** "4.5 out of 5 (2 ratings)", or that nobody has rated it yet. */
export function ratingText(average: number | null, count: number): string {
  if (average === null || count === 0) return "Not rated yet";
  const rounded = Math.round(average * 10) / 10;
  return `${rounded} out of 5 (${count} ${count === 1 ? "rating" : "ratings"})`;
}

/** A community's document library: sortable, paginated, with ratings and comment counts. */
export function DocumentsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  documents: DocumentSummary[];
  total: number;
  sort: DocumentSort;
  page: number;
  pageSize: number;
}) {
  const { access, sort, page, pageSize } = props;
  const base = `${access.path}/documents`;
  const href = (p: number) => `${base}?sort=${sort}&size=${pageSize}&page=${p}`;
  const totalPages = Math.max(1, Math.ceil(props.total / pageSize));
  return (
    <Layout
      ctx={props.ctx}
      title={`Documents – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "documents")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Documents</h1>
      {access.canStartThreads ? (
        <ButtonLink href={`${base}/new`}>Upload a document</ButtonLink>
      ) : null}
      <ListControls
        action={base}
        sorts={SORT_LABELS}
        sort={sort}
        pageSizes={PAGE_SIZES}
        pageSize={pageSize}
        signedIn={props.ctx.user !== null}
        noun="Documents"
      />
      {props.documents.length === 0 ? (
        <p class="govuk-body">
          {sort === "mine" ? "You have not uploaded any documents here." : "No documents yet."}
        </p>
      ) : (
        <Table
          caption={`Documents (${props.total})`}
          captionSize="m"
          head={["Document", "Uploaded by", "Rating", "Comments"]}
          numericColumns={[3]}
          rows={props.documents.map((d) => [
            <>
              <a class="govuk-link" href={`${base}/${d.item.id}`}>
                {d.item.title}
              </a>
              <span class="govuk-body-s copse-document-meta">
                {typeLabel(d.document.mediaType)}
                {d.document.size === null ? "" : `, ${describeSize(d.document.size)}`}
              </span>
            </>,
            <>
              <Byline actor={d.author} />, <When date={d.item.publishedAt} />
            </>,
            ratingText(d.average, d.ratings),
            String(d.comments),
          ])}
        />
      )}
      <Pagination currentPage={Math.min(page, totalPages)} totalPages={totalPages} hrefFor={href} />
      <FeedLinks feed={communityFeedRef(access, "documents")} />
    </Layout>
  );
}

/** The form for uploading a document, or (without the file) for editing its details. */
export function DocumentFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  action: string;
  heading: string;
  withFile: boolean;
  maxUploadBytes: number;
  values?: { title?: string; description?: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={`${props.access.path}/documents`}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <form
            method="post"
            action={props.action}
            enctype={props.withFile ? "multipart/form-data" : undefined}
            novalidate
          >
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="title"
              label="Title"
              value={props.values?.title}
              error={errorFor(errors, "title")}
            />
            <Textarea
              name="description"
              label="Description (optional)"
              hint="What the document is and who it is for. You can use Markdown."
              value={props.values?.description}
              error={errorFor(errors, "description")}
              rows={6}
            />
            {props.withFile ? (
              <FileUpload
                name="file"
                label="File"
                hint={`Any type of file, up to ${describeSize(props.maxUploadBytes)}.`}
                error={errorFor(errors, "file")}
              />
            ) : null}
            <Button>{props.withFile ? "Upload document" : "Save"}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** 413: the file was over the limit; says so plainly and offers the way back. */
export function UploadTooLargePage(props: {
  ctx: PageContext;
  formPath: string;
  maxUploadBytes: number;
}) {
  const limit = describeSize(props.maxUploadBytes);
  return (
    <Layout ctx={props.ctx} title="The file is too large" errors>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">The file is too large</h1>
          <p class="govuk-body">The selected file must be smaller than {limit}.</p>
          <p class="govuk-body">
            Nothing was uploaded and nothing was kept, so you will need to enter the title and
            description again.
          </p>
          <p class="govuk-body">
            <a class="govuk-link" href={props.formPath}>
              Upload a smaller file
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
