import type { ActorRow } from "../../../domain/actors.ts";
import type { ConversationSummary, MessageRow } from "../../../domain/messages.ts";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Pagination,
  Table,
  Tag,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { Byline, When } from "./items.tsx";

/** The address of the conversation with someone: `/messages/alice` or `/messages/@bob@host`. */
export function conversationPath(other: ActorRow): string {
  return other.isLocal ? `/messages/${other.handle}` : `/messages/@${other.handle}@${other.host}`;
}

/** The fediverse handle of a person, as people type it. */
function handleOf(actor: ActorRow): string {
  return actor.isLocal ? actor.handle : `@${actor.handle}@${actor.host}`;
}

/** The signed-in person's conversations, newest first, unread ones marked, a page at a time. */
export function ConversationsPage(props: {
  ctx: PageContext;
  conversations: ConversationSummary[];
  page?: number;
  totalPages?: number;
}) {
  const page = props.page ?? 1;
  const totalPages = props.totalPages ?? 1;
  return (
    <Layout
      ctx={props.ctx}
      title={totalPages > 1 ? `Messages (page ${page} of ${totalPages})` : "Messages"}
    >
      <h1 class="govuk-heading-l">Messages</h1>
      <p class="govuk-body">
        Private messages are seen only by you and the person you write to, on any instance.
      </p>
      <ButtonLink href="/messages/new">New message</ButtonLink>
      {props.conversations.length === 0 ? (
        <p class="govuk-body">You have no messages yet.</p>
      ) : (
        <Table
          caption="Conversations"
          captionSize="m"
          head={["With", "Last message", "Unread"]}
          numericColumns={[2]}
          rows={props.conversations.map((c) => [
            <a class="govuk-link" href={conversationPath(c.other)}>
              {c.other.name || c.other.handle}
              <span class="govuk-visually-hidden"> ({handleOf(c.other)})</span>
            </a>,
            <When date={c.last.createdAt} />,
            c.unread > 0 ? (
              <Tag>{`${c.unread} unread`}</Tag>
            ) : (
              <span class="govuk-visually-hidden">None</span>
            ),
          ])}
        />
      )}
      <Pagination
        currentPage={page}
        totalPages={totalPages}
        hrefFor={(n) => (n > 1 ? `/messages?page=${n}` : "/messages")}
        label="Pages of conversations"
      />
    </Layout>
  );
}

/** The form for a message to anyone, by handle. */
export function NewMessagePage(props: {
  ctx: PageContext;
  values?: { to?: string; body?: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title="New message" errors={errors.length > 0} backLink="/messages">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">New message</h1>
          <form method="post" action="/messages/new" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="to"
              label="To"
              hint="Their handle: alice for someone here, or @name@council.example for someone on another instance"
              value={props.values?.to}
              error={errorFor(errors, "to")}
              spellcheck={false}
              autocomplete="off"
            />
            <MessageField value={props.values?.body} error={errorFor(errors, "body")} />
            <Button>Send message</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The message text area shared by the new message and reply forms. */
function MessageField(props: { value?: string | undefined; error?: string | undefined }) {
  return (
    <Textarea
      name="body"
      label="Message"
      hint="Only the person you write to will see it. You can use Markdown."
      value={props.value}
      error={props.error}
      rows={6}
    />
  );
}

/** The messages between the signed-in person and one other, oldest first, with a reply form. */
export function ConversationPage(props: {
  ctx: PageContext;
  me: ActorRow;
  other: ActorRow;
  messages: MessageRow[];
  body?: string;
  errors?: FieldError[];
}) {
  const { me, other } = props;
  const errors = props.errors ?? [];
  const name = other.name || other.handle;
  return (
    <Layout
      ctx={props.ctx}
      title={`Messages with ${name}`}
      errors={errors.length > 0}
      backLink="/messages"
    >
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">{handleOf(other)}</span>
      <h1 class="govuk-heading-l">Messages with {name}</h1>
      {props.messages.length === 0 ? (
        <p class="govuk-body">No messages yet. Write the first one below.</p>
      ) : (
        <ol class="copse-messages" aria-label="Messages, oldest first">
          {props.messages.map((m) => (
            <li
              class={`copse-message${m.senderId === me.id ? " copse-message--mine" : ""}`}
              id={`message-${m.id}`}
            >
              <p class="govuk-body-s copse-message__meta">
                {m.senderId === me.id ? "You" : <Byline actor={other} />} wrote on{" "}
                <When date={m.createdAt} />
              </p>
              {/* The HTML was cleaned by the allow-list sanitizer before it was stored. */}
              <div
                class="copse-content govuk-body"
                dangerouslySetInnerHTML={{ __html: m.bodyHtml }}
              />
            </li>
          ))}
        </ol>
      )}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">Reply</h2>
          <form method="post" action={conversationPath(other)} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <MessageField value={props.body} error={errorFor(errors, "body")} />
            <Button>Send message</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
