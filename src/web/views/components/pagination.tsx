import { cx } from "./classes.ts";

// govuk-frontend's pagination component, numbered or as previous and next links only.

/** Either numbered pages, or just previous and next links (for feeds paged by cursor). */
export type PaginationProps =
  | { currentPage: number; totalPages: number; hrefFor: (page: number) => string; label?: string }
  | { previousHref?: string | undefined; nextHref?: string | undefined; label?: string };

/** Page numbers to show: the first, the last, and the current page with its neighbours. */
export function pageNumbers(current: number, total: number): (number | "ellipsis")[] {
  const shown = [...new Set([1, current - 1, current, current + 1, total])]
    .filter((n) => n >= 1 && n <= total)
    .sort((a, b) => a - b);
  const result: (number | "ellipsis")[] = [];
  for (const [i, n] of shown.entries()) {
    const previous = shown[i - 1];
    if (previous !== undefined && n - previous > 1) result.push("ellipsis");
    result.push(n);
  }
  return result;
}

/** Previous and next links, with numbered pages between them when the total is known. */
export function Pagination(props: PaginationProps) {
  const numbered = "totalPages" in props;
  if (numbered && props.totalPages <= 1) return null;
  const previous = numbered
    ? props.currentPage > 1
      ? props.hrefFor(props.currentPage - 1)
      : undefined
    : props.previousHref;
  const next = numbered
    ? props.currentPage < props.totalPages
      ? props.hrefFor(props.currentPage + 1)
      : undefined
    : props.nextHref;
  if (!numbered && !previous && !next) return null;
  // Without page numbers govuk-frontend stacks the links as blocks with decorated titles.
  const block = !numbered;
  const arrow = (direction: "prev" | "next") => (
    <svg
      class={`govuk-pagination__icon govuk-pagination__icon--${direction}`}
      xmlns="http://www.w3.org/2000/svg"
      height="13"
      width="15"
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 15 13"
    >
      <path d={direction === "prev" ? ARROW_PREVIOUS : ARROW_NEXT} />
    </svg>
  );
  const title = (text: string) => (
    <span
      class={cx("govuk-pagination__link-title", block && "govuk-pagination__link-title--decorated")}
    >
      {text}
      <span class="govuk-visually-hidden"> page</span>
    </span>
  );
  return (
    <nav
      class={cx("govuk-pagination", block && "govuk-pagination--block")}
      aria-label={props.label ?? "Pagination"}
    >
      {previous ? (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={previous} rel="prev">
            {arrow("prev")}
            {title("Previous")}
          </a>
        </div>
      ) : null}
      {numbered ? (
        <ul class="govuk-pagination__list">
          {pageNumbers(props.currentPage, props.totalPages).map((n) =>
            n === "ellipsis" ? (
              <li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>
            ) : (
              <li
                class={cx(
                  "govuk-pagination__item",
                  n === props.currentPage && "govuk-pagination__item--current",
                )}
              >
                <a
                  class="govuk-link govuk-pagination__link"
                  href={props.hrefFor(n)}
                  aria-label={`Page ${n}`}
                  aria-current={n === props.currentPage ? "page" : undefined}
                >
                  {n}
                </a>
              </li>
            ),
          )}
        </ul>
      ) : null}
      {next ? (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={next} rel="next">
            {block ? arrow("next") : null}
            {title("Next")}
            {block ? null : arrow("next")}
          </a>
        </div>
      ) : null}
    </nav>
  );
}

const ARROW_PREVIOUS =
  "m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z";
const ARROW_NEXT =
  "m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z";
