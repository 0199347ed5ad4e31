import { raw } from "hono/html";
import { SNIPPET_END, SNIPPET_START } from "../../../db/search-index.ts";
import type { ActorRow } from "../../../domain/actors.ts";
import { communityPagePath, personPagePath } from "../../../domain/paths.ts";
import type { FinderField, FoundPerson } from "../../../domain/people-finder.ts";
import { MAX_COUNTED, type SearchHit, type SearchResults } from "../../../domain/search.ts";
import { Avatar, WithAvatar } from "../avatar.tsx";
import { Button, ErrorSummary, type FieldError, Pagination, TextInput } from "../components.tsx";
import { FeedLinks, searchFeedRef } from "../feed-links.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { tagPagePath } from "../tags.tsx";
import { When } from "./items.tsx";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * A search snippet as HTML: the text is escaped first, and only then do the control-character
 * marks FTS5 placed around matches become <mark>, so nothing in the content can forge markup.
 */
export function Snippet(props: { text: string }) {
  const escaped = props.text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
  const html = escaped.replaceAll(SNIPPET_START, "<mark>").replaceAll(SNIPPET_END, "</mark>");
  return <p class="govuk-body-s copse-snippet">{raw(html)}</p>;
}

/** The search filters, as the form sends them back. */
export interface SearchForm {
  q: string;
  type: string;
  from: string;
  to: string;
}

const TYPES: [string, string][] = [
  ["", "Everything"],
  ["topic", "Forum topics"],
  ["reply", "Replies and comments"],
  ["entry", "Blog entries"],
  ["wiki", "Wiki pages"],
  ["event", "Events"],
  ["poll", "Polls"],
  ["document", "Documents"],
  ["person", "People"],
  ["community", "Communities"],
  ["tag", "Tags"],
];

// What one hit is, in the singular, shown beside its title.
const TYPE_NAMES: Record<string, string> = {
  topic: "Forum topic",
  reply: "Reply",
  entry: "Blog entry",
  wiki: "Wiki page",
  event: "Event",
  poll: "Poll",
  document: "Document",
  person: "Person",
  community: "Community",
  tag: "Tag",
};

/** A simple GOV.UK select. */
function Select(props: {
  name: string;
  label: string;
  value: string;
  options: [string, string][];
}) {
  return (
    <div class="govuk-form-group">
      <label class="govuk-label" for={props.name}>
        {props.label}
      </label>
      <select class="govuk-select" id={props.name} name={props.name}>
        {props.options.map(([value, text]) => (
          <option value={value} selected={value === props.value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function hitHref(hit: SearchHit): string {
  if (hit.type === "person")
    return personHref({ ...hit, handle: hit.handle ?? "", host: hit.host ?? "" });
  if (hit.type === "community")
    return communityPagePath(hit.handle ?? "", hit.isLocal ? undefined : (hit.host ?? undefined));
  if (hit.type === "tag") return tagPagePath(hit.handle ?? "");
  // Items carry their place, worked out by the one rule every list uses (a reply's thread).
  return hit.href ?? "/search";
}

function HitList(props: { hits: SearchHit[] }) {
  return (
    <ul class="govuk-list govuk-list--spaced copse-search-results">
      {props.hits.map((hit) => (
        <li>
          {hit.type === "person" ? (
            <>
              <Avatar person={{ ...hit, name: hit.title, handle: hit.handle ?? "" }} />{" "}
            </>
          ) : null}
          <a class="govuk-link govuk-!-font-weight-bold" href={hitHref(hit)}>
            {hit.title || TYPE_NAMES[hit.type] || hit.type}
          </a>{" "}
          <span class="govuk-body-s">
            {TYPE_NAMES[hit.type] ?? hit.type}
            {hit.communityName && hit.handle ? (
              <>
                {" in "}
                <a
                  class="govuk-link"
                  href={communityPagePath(
                    hit.handle,
                    hit.isLocal ? undefined : (hit.host ?? undefined),
                  )}
                >
                  {hit.communityName}
                </a>
              </>
            ) : null}
            {hit.date ? (
              <>
                , <When date={hit.date} />
              </>
            ) : null}
          </span>
          {hit.snippet ? <Snippet text={hit.snippet} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The search page: a GET form with filters, then ranked results with highlighted snippets. */
export function SearchPage(props: {
  ctx: PageContext;
  form: SearchForm;
  results: SearchResults | null;
  page: number;
  errors: FieldError[];
  /** Set when searching within one community. */
  community?: ActorRow & { path: string };
}) {
  const { form, results } = props;
  const action = props.community ? `${props.community.path}/search` : "/search";
  const title = props.community ? `Search ${props.community.name}` : "Search";
  const feed = results && !props.community ? searchFeedRef(form.q) : undefined;
  const hrefFor = (page: number) => {
    const params = new URLSearchParams({
      q: form.q,
      type: form.type,
      from: form.from,
      to: form.to,
    });
    params.set("page", String(page));
    return `${action}?${params}`;
  };
  const error = (field: string) => props.errors.find((e) => e.field === field)?.message;
  const empty =
    results &&
    results.items.length +
      results.people.length +
      results.communities.length +
      results.tags.length ===
      0;
  return (
    <Layout
      ctx={props.ctx}
      title={form.q ? `${title}: ${form.q}` : title}
      errors={props.errors.length > 0}
      backLink={props.community?.path}
      feed={feed}
    >
      <ErrorSummary errors={props.errors} />
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={action} novalidate>
        <TextInput name="q" label="Search for" value={form.q} type="search" spellcheck={false} />
        <Select
          name="type"
          label="Type"
          value={form.type}
          options={
            props.community
              ? TYPES.filter(([v]) => !["person", "community", "tag"].includes(v))
              : TYPES
          }
        />
        <TextInput
          name="from"
          label="Published on or after"
          hint="For example, 2026-01-31"
          value={form.from}
          width={10}
          error={error("from")}
        />
        <TextInput
          name="to"
          label="Published on or before"
          hint="For example, 2026-12-31"
          value={form.to}
          width={10}
          error={error("to")}
        />
        <Button>Search</Button>
      </form>
      {props.community ? null : (
        <p class="govuk-body">
          Or{" "}
          <a class="govuk-link" href="/tags">
            browse every tag on this site
          </a>
          .
        </p>
      )}
      {results ? (
        <>
          <h2 class="govuk-heading-m">Results</h2>
          {empty ? <p class="govuk-body">Nothing matched your search.</p> : null}
          {results.tags.length > 0 ? (
            <>
              <h3 class="govuk-heading-s">Tags</h3>
              <HitList hits={results.tags} />
            </>
          ) : null}
          {results.communities.length > 0 ? (
            <>
              <h3 class="govuk-heading-s">Communities</h3>
              <HitList hits={results.communities} />
            </>
          ) : null}
          {results.people.length > 0 ? (
            <>
              <h3 class="govuk-heading-s">People</h3>
              <HitList hits={results.people} />
            </>
          ) : null}
          {results.items.length > 0 ? (
            <>
              <h3 class="govuk-heading-s">
                Content (
                {results.total >= MAX_COUNTED
                  ? `${MAX_COUNTED.toLocaleString("en-GB")}+`
                  : results.total}{" "}
                {results.total === 1 ? "result" : "results"})
              </h3>
              <HitList hits={results.items} />
              <Pagination
                currentPage={props.page}
                totalPages={Math.ceil(results.total / 20)}
                hrefFor={hrefFor}
              />
            </>
          ) : null}
        </>
      ) : null}
      <FeedLinks feed={feed} />
    </Layout>
  );
}

const FIELDS: [FinderField, string][] = [
  ["any", "Anything"],
  ["name", "Name"],
  ["expertise", "Expertise"],
  ["interest", "Interest"],
  ["service-area", "Service area"],
  ["organisation", "Organisation"],
];

/** A person's page here: their profile, or our page about someone on another server. */
function personHref(p: { isLocal: boolean; handle: string; host: string }): string {
  return personPagePath(p.isLocal ? p.handle : `${p.handle}@${p.host}`);
}

/** The people finder: search form, results saying why each person matches, handle look-ups. */
export function PeoplePage(props: {
  ctx: PageContext;
  q: string;
  field: FinderField;
  people: FoundPerson[] | null;
  looked?: ActorRow | null;
  lookupError?: string;
}) {
  return (
    <Layout
      ctx={props.ctx}
      title={props.q ? `Find people: ${props.q}` : "Find people"}
      errors={!!props.lookupError}
    >
      <ErrorSummary
        errors={props.lookupError ? [{ field: "q", message: props.lookupError }] : []}
      />
      <h1 class="govuk-heading-l">Find people</h1>
      <p class="govuk-body">
        Find someone who has dealt with a similar problem: search by name, expertise, interest,
        service area or organisation, or type a handle such as @someone@council.example.
      </p>
      <form method="get" action="/people" novalidate>
        <TextInput
          name="q"
          label="Search for"
          value={props.q}
          type="search"
          error={props.lookupError}
        />
        <Select name="field" label="Look in" value={props.field} options={FIELDS} />
        <Button>Find people</Button>
      </form>
      {props.looked ? (
        <>
          <h2 class="govuk-heading-m">Found by handle</h2>
          <ul class="govuk-list">
            <li>
              <WithAvatar person={props.looked}>
                <a class="govuk-link govuk-!-font-weight-bold" href={personHref(props.looked)}>
                  {props.looked.name || props.looked.handle}
                </a>{" "}
                <span class="govuk-body-s">
                  @{props.looked.handle}@{props.looked.host}
                </span>
              </WithAvatar>
            </li>
          </ul>
        </>
      ) : null}
      {props.people ? (
        <>
          <h2 class="govuk-heading-m">People</h2>
          {props.people.length === 0 ? (
            <p class="govuk-body">Nobody matched your search.</p>
          ) : (
            <ul class="govuk-list govuk-list--spaced">
              {props.people.map((p) => (
                <li>
                  <WithAvatar person={p}>
                    <a class="govuk-link govuk-!-font-weight-bold" href={personHref(p)}>
                      {p.name || p.handle}
                    </a>{" "}
                    <span class="govuk-body-s">
                      @{p.handle}@{p.host}
                      {p.jobTitle ? `, ${p.jobTitle}` : ""}
                      {p.organisation ? `, ${p.organisation}` : ""}
                    </span>
                  </WithAvatar>
                  <p class="govuk-body-s">
                    Matches {p.reasons.map((r) => `${r.field}: ${r.value}`).join("; ")}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </Layout>
  );
}
