import {
  OPERATOR_MAX,
  SITE_PAGE_MAX,
  SITE_PAGES,
  type SitePageId,
  type SitePagesInput,
} from "../../../domain/admin/site-pages.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

// The instance's own pages (rules, privacy notice, accessibility statement), which everyone can
// read from the footer, and the administrators' form for writing them and saying who runs it.

/** Where a page is read. */
export function sitePagePath(id: SitePageId): string {
  return `/about/${id}`;
}

/** Where the administrators write the pages. */
export const ADMIN_SITE_PATH = "/admin/site";

/** One of the pages, as everyone reads it. */
export function SitePage(props: {
  ctx: PageContext;
  id: SitePageId;
  /** The page's HTML, already made safe (src/domain/admin/site-pages.ts). */
  html: string;
}) {
  const title = SITE_PAGES.find((p) => p.id === props.id)!.title;
  return (
    <Layout ctx={props.ctx} title={title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">{props.ctx.instanceName}</span>
          <h1 class="govuk-heading-l">{title}</h1>
          <div class="copse-content govuk-body" dangerouslySetInnerHTML={{ __html: props.html }} />
        </div>
      </div>
    </Layout>
  );
}

/** The administrators' form: who runs the instance and the three pages, in Markdown. */
export function AdminSitePage(props: {
  ctx: PageContext;
  values: SitePagesInput;
  /** Which pages still show their default text. */
  defaults: Set<SitePageId>;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title="About this instance"
      errors={errors.length > 0}
      backLink="/admin"
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">About this instance</h1>
          <p class="govuk-body">
            Every page's footer says who runs {props.ctx.instanceName} and links to these pages.
            Write them in Markdown; leave a page empty to go back to its default text.
          </p>
          <form method="post" action={ADMIN_SITE_PATH} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="operator"
              label="Who runs this instance"
              hint={`For example, "The Digital Team at Somerset Council". Up to ${OPERATOR_MAX} characters.`}
              value={props.values.operator}
              error={errorFor(errors, "operator")}
            />
            {SITE_PAGES.map((page) => (
              <Textarea
                name={page.id}
                label={page.title}
                hint={
                  props.defaults.has(page.id)
                    ? `Showing the default text. Markdown, up to ${SITE_PAGE_MAX.toLocaleString("en-GB")} characters.`
                    : `Markdown, up to ${SITE_PAGE_MAX.toLocaleString("en-GB")} characters.`
                }
                value={props.values[page.id]}
                error={errorFor(errors, page.id)}
                rows={10}
              />
            ))}
            <Button>Save pages</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
