// Who may speak for a piece of content. A server is the authority only for what lives on its
// own origin: it can describe its own people's posts, but not a post "by" someone on another
// server, and never a post by one of this instance's people, whose content only ever comes
// from this instance's own database. The rule is kept here, free of HTTP and Fedify, so every
// place where remote content enters asks the same question.

/** Why remote content cannot be attributed as it claims, or null when the claim holds. */
export function authorshipProblem(
  objectIri: string,
  authorIri: string,
  localOrigin: string,
): string | null {
  const object = originOf(objectIri);
  const author = originOf(authorIri);
  if (!object) return `its id ${objectIri} is not an http(s) address`;
  if (!author) return `its author ${authorIri} is not an http(s) address`;
  const local = new URL(localOrigin).origin;
  if (object === local) return `its id ${objectIri} is on this instance but it is not stored here`;
  if (author === local) return `it names ${authorIri}, a person on this instance, as its author`;
  if (object !== author) return `its author ${authorIri} is not on its origin ${object}`;
  return null;
}

/** Whether an address belongs to this instance. */
export function isOwnIri(iri: string, localOrigin: string): boolean {
  return originOf(iri) === new URL(localOrigin).origin;
}

/** The origin of an http(s) address, or null for anything else. */
export function originOf(iri: string): string | null {
  try {
    const url = new URL(iri);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}
