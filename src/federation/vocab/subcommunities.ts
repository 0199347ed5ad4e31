import { type Actor, Group, Link } from "@fedify/vocab";

// ActivityStreams has no property for "this group is part of that group". Copse puts the
// parent's id in the Group's `attachment` as a Link with rel "up" (the IANA link relation for
// "a parent document in a hierarchy"); Mastodon, Lemmy and others read only the attachments
// they know (PropertyValue and the like) and ignore this one. See FEDERATION.md.

/** The link relation that marks a Group's parent community. */
export const PARENT_REL = "up";

/** The attachment that names a Group's parent community. */
export function parentLink(parentIri: string): Link {
  return new Link({
    href: new URL(parentIri),
    rel: PARENT_REL,
    mediaType: "application/activity+json",
    name: "Parent community",
  });
}

/**
 * The id of the parent community a fetched Group names, or null when it names none. Only
 * embedded Links are read (attachments given by bare address are never fetched), and only a
 * parent on the Group's own server is believed: a server speaks for its own communities only.
 */
export async function parentIriOf(actor: Actor): Promise<string | null> {
  if (!(actor instanceof Group) || !actor.id) return null;
  const noFetching = () => Promise.reject(new Error("Attachments by address are not fetched"));
  const attachments = actor.getAttachments({ documentLoader: noFetching, suppressError: true });
  for await (const attachment of attachments) {
    if (!(attachment instanceof Link) || !attachment.rels.includes(PARENT_REL)) continue;
    const href = attachment.href;
    if (href && href.origin === actor.id.origin && href.href !== actor.id.href) return href.href;
  }
  return null;
}
