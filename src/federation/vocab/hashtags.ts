import { type Object as APObject, Hashtag } from "@fedify/vocab";

/** The `Hashtag` objects for an item's tags, linking to each tag's page here. */
export function hashtagObjects(origin: string, names: string[]): Hashtag[] {
  return names.map(
    (name) =>
      new Hashtag({ name: `#${name}`, href: new URL(`/tags/${encodeURIComponent(name)}`, origin) }),
  );
}

/**
 * The hashtag names an object carries, without the leading #. Only embedded tags are read:
 * fetching a link per tag would let a sender make us issue requests for nothing.
 */
export async function hashtagsOf(object: APObject): Promise<string[]> {
  const names: string[] = [];
  for await (const tag of object.getTags({
    documentLoader: async (url) => {
      throw new Error(`Not fetching tag ${url}`);
    },
    suppressError: true,
  })) {
    if (tag instanceof Hashtag && tag.name) names.push(tag.name.toString().replace(/^#+/, ""));
    if (names.length >= 50) break;
  }
  return names;
}
