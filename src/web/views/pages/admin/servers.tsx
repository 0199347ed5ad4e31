import type { DomainBlock, DomainBlockInput } from "../../../../domain/admin/servers.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  Table,
  Tag,
  Textarea,
  TextInput,
  Warning,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { ScrollRegion } from "../../scroll-region.tsx";
import { ADMIN_PATH } from "../admin.tsx";
import { When } from "../items.tsx";

/** The other-servers page's address. */
export const ADMIN_SERVERS_PATH = `${ADMIN_PATH}/servers`;

/** What was typed into the add form. */
export interface DomainFormValues {
  domain?: string;
  severity?: string;
  reason?: string;
}

const SEVERITY_ITEMS = [
  {
    value: "block",
    text: "Block",
    hint: "Nothing is accepted from it or sent to it, and its people leave communities here.",
  },
  {
    value: "limit",
    text: "Limit",
    hint: "Its people need a facilitator's approval to join any community here, even a public one.",
  },
];

/** A severity as a tag. */
function SeverityTag(props: { severity: DomainBlock["severity"] }) {
  return props.severity === "block" ? (
    <Tag colour="red">Blocked</Tag>
  ) : (
    <Tag colour="yellow">Limited</Tag>
  );
}

/** The list of blocked and limited servers, the form to add one, and CSV import and export. */
export function AdminServersPage(props: {
  ctx: PageContext;
  blocks: DomainBlock[];
  values?: DomainFormValues;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values ?? {};
  const csrf = props.ctx.csrfToken;
  return (
    <Layout ctx={props.ctx} title="Other servers" errors={errors.length > 0} backLink={ADMIN_PATH}>
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Administration</span>
      <h1 class="govuk-heading-l">Other servers</h1>
      {props.blocks.length === 0 ? (
        <p class="govuk-body">No server is blocked or limited.</p>
      ) : (
        <ScrollRegion label="Blocked and limited servers">
          <Table
            caption={`${props.blocks.length} blocked or limited ${props.blocks.length === 1 ? "server" : "servers"}`}
            captionSize="m"
            head={["Domain", "Decision", "Reason", "Since", "Action"]}
            firstCellIsHeader
            rows={props.blocks.map((block) => [
              block.domain,
              <SeverityTag severity={block.severity} />,
              block.reason || "None given",
              <When date={block.createdAt} />,
              <form
                method="post"
                action={`${ADMIN_SERVERS_PATH}/${encodeURIComponent(block.domain)}/remove`}
                novalidate
              >
                <CsrfField token={csrf} />
                <Button variant="secondary" class="govuk-!-margin-bottom-0">
                  {block.severity === "block" ? "Unblock" : "Lift limit"}
                  <span class="govuk-visually-hidden"> {block.domain}</span>
                </Button>
              </form>,
            ])}
          />
        </ScrollRegion>
      )}
      <h2 class="govuk-heading-m">Block or limit a server</h2>
      <form method="post" action={ADMIN_SERVERS_PATH} novalidate>
        <CsrfField token={csrf} />
        <TextInput
          name="domain"
          label="Domain"
          hint="For example, social.example.org. Its subdomains are covered too."
          value={v.domain}
          error={errorFor(errors, "domain")}
          spellcheck={false}
          width={20}
        />
        <Radios
          name="severity"
          legend="What should happen?"
          legendSize="s"
          items={SEVERITY_ITEMS}
          value={v.severity}
          error={errorFor(errors, "severity")}
        />
        <Textarea
          name="reason"
          label="Reason (optional)"
          hint="Included when the list is exported, as Mastodon's public comment."
          value={v.reason}
          error={errorFor(errors, "reason")}
          rows={2}
        />
        <Button>Continue</Button>
      </form>
      <h2 class="govuk-heading-m">Import and export</h2>
      <p class="govuk-body">
        Lists use the CSV format Mastodon uses for domain blocks: severity <code>suspend</code>{" "}
        means block and <code>silence</code> means limit.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={`${ADMIN_SERVERS_PATH}/export.csv`} download>
          Download the list as CSV
        </a>
      </p>
      <form
        method="post"
        action={`${ADMIN_SERVERS_PATH}/import`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField token={csrf} />
        <div class={`govuk-form-group${errorFor(errors, "csv") ? " govuk-form-group--error" : ""}`}>
          <label class="govuk-label" for="csv">
            Upload a CSV file
          </label>
          {errors
            .filter((e) => e.field === "csv")
            .map((e) => (
              <p class="govuk-error-message">
                <span class="govuk-visually-hidden">Error:</span> {e.message}
              </p>
            ))}
          <input
            class={`govuk-file-upload${errorFor(errors, "csv") ? " govuk-file-upload--error" : ""}`}
            id="csv"
            name="csv"
            type="file"
            accept=".csv,text/csv"
          />
        </div>
        <Button variant="secondary">Check the file</Button>
      </form>
    </Layout>
  );
}

/** Confirms blocking or limiting one server before it happens. */
export function ConfirmDomainPage(props: { ctx: PageContext; entry: DomainBlockInput }) {
  const { entry } = props;
  const verb = entry.severity === "block" ? "Block" : "Limit";
  return (
    <Layout ctx={props.ctx} title={`${verb} ${entry.domain}`} backLink={ADMIN_SERVERS_PATH}>
      <h1 class="govuk-heading-l">
        {verb} {entry.domain}?
      </h1>
      <Warning>
        {entry.severity === "block"
          ? "Nothing will be accepted from this server or sent to it, and its people will leave every community here. Lifting the block later does not bring them back."
          : "Its people will need a facilitator's approval to join any community here."}
      </Warning>
      <form method="post" action={ADMIN_SERVERS_PATH} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="domain" value={entry.domain} />
        <input type="hidden" name="severity" value={entry.severity} />
        <input type="hidden" name="reason" value={entry.reason} />
        <input type="hidden" name="confirmed" value="yes" />
        <div class="govuk-button-group">
          <Button variant="warning">
            {verb} {entry.domain}
          </Button>
          <a class="govuk-link" href={ADMIN_SERVERS_PATH}>
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}

/** Confirms an import, listing what it will do. */
export function ConfirmImportPage(props: {
  ctx: PageContext;
  entries: DomainBlockInput[];
  skipped: number;
  csv: string;
}) {
  const blocks = props.entries.filter((e) => e.severity === "block").length;
  const limits = props.entries.length - blocks;
  return (
    <Layout ctx={props.ctx} title="Import the list" backLink={ADMIN_SERVERS_PATH}>
      <h1 class="govuk-heading-l">Import the list?</h1>
      <p class="govuk-body">
        The file blocks {blocks} {blocks === 1 ? "server" : "servers"} and limits {limits}.
        {props.skipped > 0
          ? ` ${props.skipped} ${props.skipped === 1 ? "line" : "lines"} with severity noop will be skipped.`
          : ""}{" "}
        Servers already listed here take the file's decision.
      </p>
      <ScrollRegion label="Servers in the file">
        <Table
          caption="Servers in the file"
          captionSize="s"
          head={["Domain", "Decision", "Reason"]}
          firstCellIsHeader
          rows={props.entries.map((e) => [
            e.domain,
            <SeverityTag severity={e.severity} />,
            e.reason || "None given",
          ])}
        />
      </ScrollRegion>
      <form method="post" action={`${ADMIN_SERVERS_PATH}/import`} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="text" value={props.csv} />
        <input type="hidden" name="confirmed" value="yes" />
        <div class="govuk-button-group">
          <Button variant="warning">Import the list</Button>
          <a class="govuk-link" href={ADMIN_SERVERS_PATH}>
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}
