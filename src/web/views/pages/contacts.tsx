import type { ContactEntry } from "../../../domain/contacts.ts";
import { mentionHref } from "../../../domain/mentions.ts";
import { WithAvatar } from "../avatar.tsx";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Pagination,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** A contact's avatar, linked name and handle. */
function PersonLink(props: { entry: ContactEntry }) {
  const p = props.entry.person;
  return (
    <WithAvatar person={p}>
      <a class="govuk-link" href={mentionHref(p)}>
        {p.name || p.handle}
      </a>{" "}
      <span class="govuk-hint govuk-!-display-inline">
        @{p.handle}@{p.host}
      </span>
    </WithAvatar>
  );
}

function ActionButton(props: {
  ctx: PageContext;
  id: number;
  action: string;
  label: string;
  who: string;
  variant?: "secondary" | "warning";
}) {
  return (
    <form method="post" action={`/contacts/${props.id}/${props.action}`} class="copse-inline-form">
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant={props.variant}>
        {props.label}
        <span class="govuk-visually-hidden"> {props.who}</span>
      </Button>
    </form>
  );
}

/** The contacts page: contacts, requests waiting for me, and my requests waiting for others. */
export function ContactsPage(props: {
  ctx: PageContext;
  contacts: ContactEntry[];
  incoming: ContactEntry[];
  outgoing: ContactEntry[];
  /** The page of contacts shown, from 1 to totalPages. */
  page?: number;
  totalPages?: number;
  errors: FieldError[];
  handle: string;
}) {
  const { ctx } = props;
  const page = props.page ?? 1;
  const totalPages = props.totalPages ?? 1;
  return (
    <Layout
      ctx={ctx}
      title={totalPages > 1 ? `Contacts (page ${page} of ${totalPages})` : "Contacts"}
      errors={props.errors.length > 0}
    >
      <ErrorSummary errors={props.errors} />
      <h1 class="govuk-heading-l">Contacts</h1>
      {props.incoming.length > 0 ? (
        <>
          <h2 class="govuk-heading-m">Asking to be your contact</h2>
          <ul class="govuk-list">
            {props.incoming.map((e) => (
              <li>
                <PersonLink entry={e} />
                <div class="govuk-button-group">
                  <ActionButton
                    ctx={ctx}
                    id={e.contact.id}
                    action="accept"
                    label="Accept"
                    who={e.person.name}
                  />
                  <ActionButton
                    ctx={ctx}
                    id={e.contact.id}
                    action="reject"
                    label="Decline"
                    who={e.person.name}
                    variant="secondary"
                  />
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="govuk-heading-m">Your contacts</h2>
      {props.contacts.length === 0 ? (
        <p class="govuk-body">
          You have no contacts yet. Add people from their profile page or by their handle below.
        </p>
      ) : (
        <ul class="govuk-list">
          {props.contacts.map((e) => (
            <li>
              <PersonLink entry={e} />
            </li>
          ))}
        </ul>
      )}
      <Pagination
        currentPage={page}
        totalPages={totalPages}
        hrefFor={(n) => (n > 1 ? `/contacts?page=${n}` : "/contacts")}
        label="Pages of contacts"
      />
      {props.outgoing.length > 0 ? (
        <>
          <h2 class="govuk-heading-m">Waiting for an answer</h2>
          <ul class="govuk-list">
            {props.outgoing.map((e) => (
              <li>
                <PersonLink entry={e} />
                <ActionButton
                  ctx={ctx}
                  id={e.contact.id}
                  action="withdraw"
                  label="Withdraw request"
                  who={`to ${e.person.name}`}
                  variant="secondary"
                />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="govuk-heading-m">Add a contact</h2>
      <form method="post" action="/contacts" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextInput
          name="handle"
          label="Their handle"
          hint="For example, @sam@council.example"
          value={props.handle}
          error={errorFor(props.errors, "handle")}
          spellcheck={false}
        />
        <Button>Add contact</Button>
      </form>
    </Layout>
  );
}
