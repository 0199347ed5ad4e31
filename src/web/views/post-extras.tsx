import type { ItemMedia } from "../../domain/item-media.ts";
import type { ItemRow } from "../../domain/items.ts";
import type { VoteTally } from "../../domain/votes.ts";
import { CsrfField } from "./components.tsx";

// What a post shows besides its text: the link and pictures it shares (posts from other
// servers), and its votes with the form to vote, which works without JavaScript.

/** What the pages of a thread show besides each post's text, loaded once per page. */
export interface PostExtras {
  votes: Map<number, VoteTally>;
  media: Map<number, ItemMedia>;
  /** Whether the viewer may vote on this post (signed in, and allowed to). */
  mayVote: (item: ItemRow) => boolean;
}

/** The host and path of an address, for a link that has no title. */
function shortAddress(href: string): string {
  try {
    const url = new URL(href);
    return `${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return href;
  }
}

/**
 * A post's shared link, clearly under the post, and its pictures: the copy stored here when
 * there is one, otherwise a plain link to the picture (never loaded from its server).
 */
export function PostMedia(props: { media: ItemMedia | undefined }) {
  const { media } = props;
  if (!media || (!media.link && media.images.length === 0)) return null;
  return (
    <div class="copse-post__media">
      {media.link ? (
        <p class="govuk-body copse-post__link">
          <span class="govuk-!-font-weight-bold">Link: </span>
          <a class="govuk-link" href={media.link.href} rel="nofollow ugc noopener">
            {media.link.title || shortAddress(media.link.href)}
          </a>
        </p>
      ) : null}
      {media.images.map((image) =>
        image.state === "stored" ? (
          <figure class="copse-post__image">
            <img
              src={`/media/images/${image.id}`}
              alt={image.alt}
              width={image.width ?? undefined}
              height={image.height ?? undefined}
              loading="lazy"
            />
          </figure>
        ) : (
          <p class="govuk-body-s">
            <span class="govuk-!-font-weight-bold">Picture: </span>
            <a class="govuk-link" href={image.remoteUrl} rel="nofollow ugc noopener">
              {image.alt || `picture on ${shortAddress(image.remoteUrl).split("/")[0]}`}
            </a>
          </p>
        ),
      )}
    </div>
  );
}

/** "Score 3: 4 up, 1 down". */
function scoreText(tally: VoteTally): string {
  return `Score ${tally.score}: ${tally.up} up, ${tally.down} down`;
}

/**
 * A post's votes, and for a signed-in viewer who may vote, one form with two buttons: vote up
 * and vote down, the pressed one taking the vote back.
 */
export function PostVotes(props: {
  itemId: number;
  tally: VoteTally | undefined;
  /** The form's CSRF token when the viewer may vote; null shows the score alone. */
  csrfToken: string | null;
  returnTo: string;
}) {
  const tally = props.tally ?? { up: 0, down: 0, score: 0, mine: null };
  const button = (value: "up" | "down", label: string, pressed: boolean) => (
    <button
      type="submit"
      name="vote"
      value={pressed ? "none" : value}
      aria-pressed={pressed ? "true" : "false"}
      class="govuk-button govuk-button--secondary copse-vote__button"
      data-module="govuk-button"
    >
      {pressed ? `Remove ${label}-vote` : `Vote ${label}`}
      <span class="govuk-visually-hidden"> on this post</span>
    </button>
  );
  return (
    <div class="copse-vote" id={`votes-${props.itemId}`}>
      <p class="govuk-body-s copse-vote__score">{scoreText(tally)}</p>
      {props.csrfToken ? (
        <form method="post" action={`/items/${props.itemId}/vote`} class="copse-vote__form">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="return" value={props.returnTo} />
          {button("up", "up", tally.mine === 1)} {button("down", "down", tally.mine === -1)}
        </form>
      ) : null}
    </div>
  );
}
