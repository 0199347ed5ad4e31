import type { Db } from "../../db/client.ts";
import type { ItemRow } from "../../domain/items.ts";
import type { CloudTag } from "../../domain/tag-cloud.ts";
import { canRemoveAnyTag, canTag, type ItemTag, tagsOfItem } from "../../domain/tags.ts";
import { Button, CsrfField, TextInput } from "./components.tsx";
import type { PageContext } from "./layout.tsx";

/** The hint beside every add-a-tag box. */
export const TAG_HINT =
  "A word or short phrase, for example drainage or gov.uk forms. Separate several tags with commas.";

/** Everything the tag block of an item page needs, worked out by the route. */
export interface ItemTagsData {
  itemId: number;
  isLocal: boolean;
  tags: ItemTag[];
  /** The viewer's actor id, to offer removal of their own tags. */
  viewerId: number | null;
  canTag: boolean;
  canRemoveAny: boolean;
}

/** Gathers the tags of an item and what the viewer may do with them. */
export function itemTagsData(
  db: Db,
  item: ItemRow,
  viewerId: number | null | undefined,
): ItemTagsData {
  const mayTag = canTag(db, item, viewerId);
  return {
    itemId: item.id,
    isLocal: item.isLocal,
    tags: tagsOfItem(db, item.id),
    viewerId: viewerId ?? null,
    canTag: mayTag,
    canRemoveAny: mayTag && viewerId ? canRemoveAnyTag(db, item, viewerId) : false,
  };
}

/** The path of a tag's page. */
export function tagPagePath(name: string): string {
  return `/tags/${encodeURIComponent(name)}`;
}

function taggerNames(tag: ItemTag): string {
  return tag.taggers.map((t) => t.name || t.handle).join(", ");
}

/**
 * An item's tags with who added them, a form for members to add one and remove buttons for
 * their own tags (facilitators may remove any). Remote items are tagged on their home server.
 */
export function ItemTags(props: { ctx: PageContext; data: ItemTagsData; returnTo: string }) {
  const { data, ctx } = props;
  const inputId = `tag-${data.itemId}`;
  return (
    <section class="copse-item-tags" aria-labelledby={`tags-${data.itemId}-heading`}>
      <h2 class="govuk-heading-s" id={`tags-${data.itemId}-heading`}>
        Tags
      </h2>
      {data.tags.length === 0 ? (
        <p class="govuk-body-s">No tags yet.</p>
      ) : (
        <ul class="govuk-list copse-tag-list">
          {data.tags.map((tag) => {
            const mine = data.viewerId !== null && tag.taggers.some((t) => t.id === data.viewerId);
            return (
              <li>
                <a class="govuk-link" href={tagPagePath(tag.name)}>
                  #{tag.display}
                </a>{" "}
                <span class="govuk-body-s">added by {taggerNames(tag)}</span>
                {data.isLocal && (mine || data.canRemoveAny) ? (
                  <form
                    method="post"
                    action={`/items/${data.itemId}/tags/remove`}
                    class="copse-inline-form"
                  >
                    <CsrfField token={ctx.csrfToken} />
                    <input type="hidden" name="tag" value={tag.name} />
                    <input type="hidden" name="return" value={props.returnTo} />{" "}
                    <button type="submit" class="copse-link-button">
                      Remove<span class="govuk-visually-hidden"> tag {tag.display}</span>
                    </button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {data.canTag && data.isLocal ? (
        <form method="post" action={`/items/${data.itemId}/tags`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="return" value={props.returnTo} />
          <TextInput
            name="tag"
            id={inputId}
            label="Add a tag"
            labelClass="govuk-label--s"
            hint={TAG_HINT}
            width={20}
            spellcheck={false}
          />
          <Button variant="secondary">Add tag</Button>
        </form>
      ) : data.canTag ? (
        <p class="govuk-body-s">
          This item lives on another server; tags are added there, and arrive here with its updates.
        </p>
      ) : null}
    </section>
  );
}

/** A tag cloud: links sized in five steps by use, with the count spoken for screen readers. */
export function TagCloud(props: { tags: CloudTag[] }) {
  if (props.tags.length === 0) return <p class="govuk-body">Nobody has tagged anything yet.</p>;
  return (
    <ul class="copse-tag-cloud">
      {props.tags.map((t) => (
        <li class={`copse-tag-cloud__tag copse-tag-cloud__tag--${t.step}`}>
          <a class="govuk-link" href={tagPagePath(t.name)}>
            {t.display}
            <span class="govuk-visually-hidden">
              , {t.count} {t.count === 1 ? "item" : "items"}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** A community's tag cloud under its own heading, for the community home page. */
export function CommunityTags(props: { tags: CloudTag[] }) {
  return (
    <>
      <h2 class="govuk-heading-m">Members tagged items with these words</h2>
      <TagCloud tags={props.tags} />
    </>
  );
}
