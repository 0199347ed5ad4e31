import { REPLIES_PER_PAGE, type ThreadPage } from "../../domain/thread-pages.ts";
import { Pagination } from "./components.tsx";

// Addresses and links shared by every paged thread: forum topics and the comments under blog
// entries, wiki pages, events, documents and polls (src/domain/thread-pages.ts pages them).

/** The address that opens a thread at one reply or comment, on whichever page holds it. */
export function replyPath(threadPath: string, replyId: number): string {
  return `${threadPath}?reply=${replyId}#item-${replyId}`;
}

/** The address of one page of a thread; the first page is the thread's own address. */
export function threadPagePath(threadPath: string, page: number): string {
  return page > 1 ? `${threadPath}?page=${page}` : threadPath;
}

/** Where a thread page stands: enough for its note and page links. */
export type PagePlace = Pick<ThreadPage, "page" | "totalPages" | "total">;

/**
 * The note above a long thread's replies: how many, which page, and (for those who may write)
 * a link to the last page where the newest ones and the writing box are.
 */
export function ThreadPageNote(props: {
  threadPath: string;
  place: PagePlace;
  /** "replies" or "comments". */
  noun: string;
  /** The id of the writing box on the last page, when the viewer may write. */
  boxId?: string | undefined;
}) {
  const { page, totalPages, total } = props.place;
  if (totalPages <= 1) return null;
  return (
    <p class="govuk-body">
      {total} {props.noun}, {REPLIES_PER_PAGE} a page. This is page {page} of {totalPages}.
      {page === totalPages || !props.boxId ? null : (
        <>
          {" "}
          <a
            class="govuk-link"
            href={`${threadPagePath(props.threadPath, totalPages)}#${props.boxId}`}
          >
            Go to the newest {props.noun} and the {props.noun === "replies" ? "reply" : "comment"}{" "}
            box
          </a>
        </>
      )}
    </p>
  );
}

/** The page links of a thread (nothing when it fits on one page). */
export function ThreadPagination(props: { threadPath: string; place: PagePlace; label: string }) {
  return (
    <Pagination
      currentPage={props.place.page}
      totalPages={props.place.totalPages}
      hrefFor={(n) => threadPagePath(props.threadPath, n)}
      label={props.label}
    />
  );
}
