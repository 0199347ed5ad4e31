// Small helpers the govuk component modules share for building class and aria attributes.

/** Joins class names, skipping the ones whose condition was false. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

/** Joins ids for aria-describedby, or returns undefined so the attribute is left out. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const joined = cx(...ids);
  return joined === "" ? undefined : joined;
}
