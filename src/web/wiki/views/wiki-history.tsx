import type { ItemRow } from "../../../domain/items.ts";
import { type DiffLine, diffStats } from "../../../domain/wiki/diff.ts";
import type { RevisionWithAuthor, WikiRevision } from "../../../domain/wiki/wiki.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { Button, CsrfField, Pagination, SummaryList } from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, When } from "../../views/pages/items.tsx";
import { ScrollRegion } from "../../views/scroll-region.tsx";

// Unchanged lines further than this from a change are folded away in a comparison.
const CONTEXT_LINES = 3;

/** A comparison's lines with long unchanged stretches folded into a count. */
function foldUnchanged(lines: readonly DiffLine[]): (DiffLine | { folded: number })[] {
  const near = lines.map((_, i) =>
    lines
      .slice(Math.max(0, i - CONTEXT_LINES), i + CONTEXT_LINES + 1)
      .some((l) => l.kind !== "same"),
  );
  const out: (DiffLine | { folded: number })[] = [];
  let folded = 0;
  lines.forEach((line, i) => {
    if (near[i]) {
      if (folded > 0) out.push({ folded });
      folded = 0;
      out.push(line);
    } else folded++;
  });
  if (folded > 0) out.push({ folded });
  return out;
}

/**
 * A line-by-line comparison as a table. Each changed line says "Added" or "Removed" in words
 * (and is marked up as <ins> or <del>), so the change never depends on colour alone.
 */
export function DiffTable(props: {
  lines: readonly DiffLine[];
  caption: string;
  oldLabel: string;
  newLabel: string;
}) {
  if (!props.lines.some((l) => l.kind !== "same")) {
    return <p class="govuk-body">The text is the same in both.</p>;
  }
  // Old and new line numbers beside the text need more than a phone's width: the table
  // scrolls sideways inside its own labelled region rather than widening the page.
  return (
    <ScrollRegion label={props.caption}>
      <table class="govuk-table copse-diff">
        <caption class="govuk-table__caption govuk-table__caption--m">{props.caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">
              {props.oldLabel}
            </th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">
              {props.newLabel}
            </th>
            <th scope="col" class="govuk-table__header">
              Change
            </th>
            <th scope="col" class="govuk-table__header">
              Text
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {foldUnchanged(props.lines).map((line) =>
            "folded" in line ? (
              <tr class="govuk-table__row copse-diff__folded">
                <td class="govuk-table__cell" colspan={4}>
                  {line.folded} unchanged {line.folded === 1 ? "line" : "lines"}
                </td>
              </tr>
            ) : (
              <tr class={`govuk-table__row copse-diff__${line.kind}`}>
                <td class="govuk-table__cell govuk-table__cell--numeric">{line.oldNumber ?? ""}</td>
                <td class="govuk-table__cell govuk-table__cell--numeric">{line.newNumber ?? ""}</td>
                <td class="govuk-table__cell">
                  {line.kind === "added" ? "Added" : line.kind === "removed" ? "Removed" : ""}
                </td>
                <td class="govuk-table__cell copse-diff__text">
                  {line.kind === "added" ? (
                    <ins>{line.text}</ins>
                  ) : line.kind === "removed" ? (
                    <del>{line.text}</del>
                  ) : (
                    line.text
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/**
 * One page of a wiki page's revisions, newest first; two radios per row pick what to compare.
 * The newest two are picked to start with, on the first page.
 */
export function WikiHistoryPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  page: ItemRow;
  revisions: RevisionWithAuthor[];
  total: number;
  /** The numbers of the newest two revisions, which the comparison starts from. */
  newestTwo: number[];
  currentPage: number;
  totalPages: number;
}) {
  const { access, page, revisions, total } = props;
  const pagePath = `${access.path}/wiki/${page.id}`;
  const newest = props.newestTwo[0] ?? 1;
  const previous = props.newestTwo[1] ?? newest;
  return (
    <Layout
      ctx={props.ctx}
      title={`History of ${page.title} – ${access.group.name}`}
      backLink={pagePath}
    >
      <span class="govuk-caption-l">{access.group.name} wiki</span>
      <h1 class="govuk-heading-l">History of {page.title}</h1>
      <form method="get" action={`${pagePath}/diff`} novalidate>
        {/* On a phone each revision becomes a card, each cell under its column's name. */}
        <table class="govuk-table copse-stack-table">
          <caption class="govuk-table__caption govuk-table__caption--m">
            Revisions ({total})
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                Revision
              </th>
              <th scope="col" class="govuk-table__header">
                Who
              </th>
              <th scope="col" class="govuk-table__header">
                When
              </th>
              <th scope="col" class="govuk-table__header">
                Reason for update
              </th>
              <th scope="col" class="govuk-table__header">
                Compare from
              </th>
              <th scope="col" class="govuk-table__header">
                Compare to
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {revisions.map(({ revision, author }) => (
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header" data-label="Revision">
                  <a class="govuk-link" href={`${pagePath}/revisions/${revision.number}`}>
                    {revision.number}
                    <span class="govuk-visually-hidden"> (view this revision)</span>
                  </a>
                </th>
                <td class="govuk-table__cell" data-label="Who">
                  <Byline actor={author} />
                </td>
                <td class="govuk-table__cell" data-label="When">
                  <When date={revision.createdAt} />
                </td>
                <td class="govuk-table__cell" data-label="Reason for update">
                  {revision.reason}
                </td>
                <td class="govuk-table__cell" data-label="Compare from">
                  <CompareRadio
                    name="from"
                    revision={revision}
                    checked={revision.number === previous}
                  />
                </td>
                <td class="govuk-table__cell" data-label="Compare to">
                  <CompareRadio
                    name="to"
                    revision={revision}
                    checked={revision.number === newest}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {total > 1 ? <Button>Compare</Button> : null}
      </form>
      <Pagination
        currentPage={props.currentPage}
        totalPages={props.totalPages}
        hrefFor={(n) => `${pagePath}/history?page=${n}`}
        label="History pages"
      />
    </Layout>
  );
}

/** One small radio in the history table, labelled for screen readers by its revision. */
function CompareRadio(props: { name: "from" | "to"; revision: WikiRevision; checked: boolean }) {
  const id = `${props.name}-${props.revision.number}`;
  return (
    <div class="govuk-radios govuk-radios--small">
      <div class="govuk-radios__item">
        <input
          class="govuk-radios__input"
          id={id}
          name={props.name}
          type="radio"
          value={String(props.revision.number)}
          checked={props.checked}
        />
        <label class="govuk-label govuk-radios__label" for={id}>
          <span class="govuk-visually-hidden">
            Compare {props.name} revision {props.revision.number}
          </span>
        </label>
      </div>
    </div>
  );
}

/** Who made a revision, when and why, for the top of a comparison or an old revision. */
function revisionRows(label: string, entry: RevisionWithAuthor) {
  const { revision, author } = entry;
  return {
    key: label,
    value: (
      <>
        Revision {revision.number}: <Byline actor={author} />, <When date={revision.createdAt} />. “
        {revision.reason}”
      </>
    ),
  };
}

/** "1 line added", "3 lines removed". */
function countLines(n: number, what: string): string {
  return `${n} ${n === 1 ? "line" : "lines"} ${what}`;
}

/** What changed between two revisions. */
export function WikiDiffPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  page: ItemRow;
  from: RevisionWithAuthor;
  to: RevisionWithAuthor;
  lines: DiffLine[];
}) {
  const { access, page, from, to } = props;
  const pagePath = `${access.path}/wiki/${page.id}`;
  const titleChanged = from.revision.title !== to.revision.title;
  const stats = diffStats(props.lines);
  return (
    <Layout
      ctx={props.ctx}
      title={`Changes to ${page.title} – ${access.group.name}`}
      backLink={`${pagePath}/history`}
    >
      <span class="govuk-caption-l">{access.group.name} wiki</span>
      <h1 class="govuk-heading-l">
        Changes to {page.title}: revision {from.revision.number} to {to.revision.number}
      </h1>
      <SummaryList
        rows={[
          revisionRows("From", from),
          revisionRows("To", to),
          ...(titleChanged
            ? [
                {
                  key: "Title",
                  value: `Changed from “${from.revision.title}” to “${to.revision.title}”`,
                },
              ]
            : []),
        ]}
      />
      <DiffTable
        lines={props.lines}
        caption={`Changes to the text (${countLines(stats.added, "added")}, ${countLines(stats.removed, "removed")})`}
        oldLabel={`Line in revision ${from.revision.number}`}
        newLabel={`Line in revision ${to.revision.number}`}
      />
      <p class="govuk-body">
        <a class="govuk-link" href={`${pagePath}/history`}>
          Back to the history
        </a>
      </p>
    </Layout>
  );
}

/** One old revision as it read, with a button to make it current again. */
export function WikiRevisionPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  page: ItemRow;
  entry: RevisionWithAuthor;
  latest: number;
}) {
  const { access, page, entry } = props;
  const { revision } = entry;
  const pagePath = `${access.path}/wiki/${page.id}`;
  return (
    <Layout
      ctx={props.ctx}
      title={`Revision ${revision.number} of ${page.title} – ${access.group.name}`}
      backLink={`${pagePath}/history`}
    >
      <span class="govuk-caption-l">
        {access.group.name} wiki, revision {revision.number} of {props.latest}
      </span>
      <h1 class="govuk-heading-l">{revision.title}</h1>
      <SummaryList rows={[revisionRows("Made by", entry)]} />
      <div
        class="copse-content govuk-body"
        dangerouslySetInnerHTML={{ __html: revision.bodyHtml }}
      />
      {access.canPost && revision.number !== props.latest ? (
        <form method="post" action={`${pagePath}/restore`}>
          <CsrfField token={props.ctx.csrfToken} />
          <input type="hidden" name="revision" value={String(revision.number)} />
          <Button variant="secondary">Restore revision {String(revision.number)}</Button>
        </form>
      ) : null}
      {revision.number !== props.latest ? (
        <p class="govuk-body">
          <a
            class="govuk-link"
            href={`${pagePath}/diff?from=${revision.number}&to=${props.latest}`}
          >
            Compare with the current version
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
