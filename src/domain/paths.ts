// URL shapes shared by the domain (which stores local actors' ids) and the federation layer
// (which routes them). Keeping them in one module stops the two from drifting apart.

/** URI template of every local actor, Person or Group. */
export const ACTOR_PATH = "/ap/actors/{identifier}";
/** URI template of a local actor's inbox. */
export const INBOX_PATH = "/ap/actors/{identifier}/inbox";
/** Path of the shared inbox. */
export const SHARED_INBOX_PATH = "/ap/inbox";
/** Identifier of the instance's own Application actor, used to sign fetches. */
export const INSTANCE_ACTOR = "instance";

/** The id of the local actor with this handle. */
export function localActorIri(origin: string, handle: string): string {
  return `${origin}${ACTOR_PATH.replace("{identifier}", encodeURIComponent(handle))}`;
}

/** The inbox of the local actor with this handle. */
export function localInboxIri(origin: string, handle: string): string {
  return `${origin}${INBOX_PATH.replace("{identifier}", encodeURIComponent(handle))}`;
}

/** The HTML page of a local person. */
export function personPagePath(handle: string): string {
  return `/people/${encodeURIComponent(handle)}`;
}

/** The HTML page of a local person's blog entry; its canonical address, wherever it is listed. */
export function entryPagePath(authorHandle: string, id: number): string {
  return `${personPagePath(authorHandle)}/blog/${id}`;
}

/** The HTML page of a community; remote ones are addressed as `name@host`. */
export function communityPagePath(handle: string, host?: string): string {
  return `/c/${encodeURIComponent(host ? `${handle}@${host}` : handle)}`;
}

/** The HTML page of an item, within the community it is shown in. */
export function itemPagePath(
  item: { id: number; kind: string; rootId: number | null },
  group: { handle: string; host: string; isLocal: boolean },
  rootKind = "topic",
): string {
  const community = communityPagePath(group.handle, group.isLocal ? undefined : group.host);
  const root = item.rootId ?? item.id;
  switch (item.kind) {
    case "topic":
      return `${community}/forum/${item.id}`;
    case "reply": {
      // A reply or comment lives on the page of the thread it belongs to. Threads are paged,
      // so the link names the reply and the thread opens at the page that holds it.
      const thread = itemPagePath({ id: root, kind: rootKind, rootId: root }, group);
      return `${thread}?reply=${item.id}#item-${item.id}`;
    }
    case "entry":
      // An entry listed in a community; local authors' entries redirect to entryPagePath.
      return `${community}/blog/${item.id}`;
    case "wiki":
      return `${community}/wiki/${item.id}`;
    case "event":
      return `${community}/events/${item.id}`;
    case "poll":
      return `${community}/polls/${item.id}`;
    default:
      return `${community}/documents/${item.id}`;
  }
}
