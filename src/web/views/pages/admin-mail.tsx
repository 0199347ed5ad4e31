import { MAX_MAIL_ATTEMPTS } from "../../../domain/mail/delivery.ts";
import type { QueuedMail } from "../../../domain/mail/outbox.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  type FieldError,
  Inset,
  Pagination,
  Table,
  Tag,
  type TagColour,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { ScrollRegion } from "../scroll-region.tsx";
import { ADMIN_PATH } from "./admin.tsx";
import { When } from "./items.tsx";

/** The outbox page's address. */
export const ADMIN_MAIL_PATH = `${ADMIN_PATH}/mail`;

/** Where mail goes: an SMTP server (named without its credentials) or .eml files. */
export type MailDestination = { kind: "smtp"; server: string } | { kind: "eml"; directory: string };

/** An outbox row as the page shows it. */
export interface MailListing {
  mail: QueuedMail;
  /** Whether the mail was written as an .eml file that is still there to view. */
  hasEml: boolean;
}

/** The id of a mail's table row, which error summary links point at. */
export function mailRowId(id: number): string {
  return `mail-${id}`;
}

const STATES: Record<QueuedMail["state"], { label: string; colour: TagColour }> = {
  queued: { label: "Queued", colour: "grey" },
  sending: { label: "Sending", colour: "purple" },
  sent: { label: "Sent", colour: "green" },
  failed: { label: "Failed", colour: "red" },
};

/** The admin page listing the mail outbox, newest first. */
export function AdminMailPage(props: {
  ctx: PageContext;
  destination: MailDestination;
  mails: MailListing[];
  total: number;
  page: number;
  pageSize: number;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title="Outgoing mail" errors={errors.length > 0} backLink={ADMIN_PATH}>
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Administration</span>
      <h1 class="govuk-heading-l">Outgoing mail</h1>
      <Destination destination={props.destination} />
      <p class="govuk-body">
        Mail that cannot be sent is tried again after 1 minute, then after waits that double up to 6
        hours. After {MAX_MAIL_ATTEMPTS} attempts it is marked failed until you retry it.
      </p>
      {props.mails.length === 0 ? (
        <p class="govuk-body">No mail has been queued yet.</p>
      ) : (
        // Six columns do not fit a phone: the table scrolls sideways, by keyboard too.
        <ScrollRegion label="Outgoing mail">
          <div class="copse-mail-outbox">
            <Table
              caption={`${props.total} ${props.total === 1 ? "mail" : "mails"}, newest first`}
              captionSize="m"
              head={["Mail", "State", "Queued", "Sent", "Last error", "Action"]}
              rows={props.mails.map((listing) =>
                MailRow({ ctx: props.ctx, listing, page: props.page }),
              )}
              firstCellIsHeader
            />
          </div>
        </ScrollRegion>
      )}
      <Pagination
        currentPage={props.page}
        totalPages={totalPages}
        hrefFor={(n) => `${ADMIN_MAIL_PATH}?page=${n}`}
        label="Outbox pages"
      />
    </Layout>
  );
}

/** What the page says about where mail goes. */
function Destination(props: { destination: MailDestination }) {
  const { destination } = props;
  if (destination.kind === "smtp") {
    return <p class="govuk-body">Mail is sent through the SMTP server at {destination.server}.</p>;
  }
  return (
    <Inset>
      No SMTP server is set up (SMTP_URL), so each mail is written as an .eml file in{" "}
      <code>{destination.directory}</code> instead of being sent, and counted as sent.
    </Inset>
  );
}

/** The cells of one mail's row. */
function MailRow(props: { ctx: PageContext; listing: MailListing; page: number }) {
  const { mail, hasEml } = props.listing;
  const state = STATES[mail.state];
  return [
    <div id={mailRowId(mail.id)}>
      <span class="copse-mail-outbox__subject">{mail.subject}</span>
      <span class="govuk-body-s copse-mail-outbox__detail">To {mail.toAddress}</span>
      <span class="govuk-body-s copse-mail-outbox__detail">Number {mail.id}</span>
    </div>,
    <>
      <Tag colour={state.colour}>{state.label}</Tag>
      <span class="govuk-body-s copse-mail-outbox__detail">
        {mail.attempts} {mail.attempts === 1 ? "attempt" : "attempts"}
      </span>
      {mail.state === "queued" && mail.attempts > 0 ? (
        <span class="govuk-body-s copse-mail-outbox__detail">
          Next try <When date={new Date(mail.nextAttemptAt)} />
        </span>
      ) : null}
    </>,
    <When date={mail.createdAt} />,
    mail.sentAt === null ? "Not yet" : <When date={new Date(mail.sentAt)} />,
    mail.lastError ? <span class="copse-mail-outbox__error">{mail.lastError}</span> : "None",
    <MailAction mail={mail} hasEml={hasEml} csrfToken={props.ctx.csrfToken} page={props.page} />,
  ];
}

/** A failed mail's "Retry now" button, or the link to a sent mail's .eml file. */
function MailAction(props: { mail: QueuedMail; hasEml: boolean; csrfToken: string; page: number }) {
  const { mail } = props;
  const which = <span class="govuk-visually-hidden"> mail number {mail.id}</span>;
  if (mail.state === "failed") {
    return (
      <form method="post" action={`${ADMIN_MAIL_PATH}/${mail.id}/retry`} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="page" value={String(props.page)} />
        <Button variant="secondary" class="govuk-!-margin-bottom-0">
          Retry now{which}
        </Button>
      </form>
    );
  }
  if (props.hasEml) {
    return (
      <a class="govuk-link" href={`${ADMIN_MAIL_PATH}/${mail.id}/eml`}>
        View .eml{which}
      </a>
    );
  }
  return null;
}
