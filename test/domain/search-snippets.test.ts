import { describe, expect, it } from "vitest";
import { SNIPPET_END, SNIPPET_START } from "../../src/db/search-index.ts";
import { markedExtract, searchTerms } from "../../src/domain/search-snippets.ts";

const mark = (word: string) => `${SNIPPET_START}${word}${SNIPPET_END}`;

describe("search extracts", () => {
  it("folds the terms typed as the index does: words only, no case, no accents", () => {
    expect(searchTerms('  Café "e-mail" café  ')).toEqual(["cafe", "e", "mail"]);
    expect(searchTerms("*** ---")).toEqual([]);
  });

  it("marks the words that begin with a term, whatever their case or accents", () => {
    const text = "The CAFÉS and the cafeteria stay open; the café team plans rotas.";
    expect(markedExtract(text, searchTerms("cafe plan"))).toBe(
      `The ${mark("CAFÉS")} and the ${mark("cafeteria")} stay open; the ${mark("café")} team ${mark("plans")} rotas.`,
    );
  });

  it("marks a term of one or two letters only where a word is just that", () => {
    expect(markedExtract("An e-mail to every estate", searchTerms("e-mail"))).toBe(
      `An ${mark("e")}-${mark("mail")} to every estate`,
    );
  });

  it("shows two dozen words around the stretch holding the most different terms", () => {
    const filler = (n: number, w: string) => Array.from({ length: n }, () => w).join(" ");
    const text = `${filler(40, "alpha")} gritting ${filler(40, "beta")} gritting rota together ${filler(40, "gamma")}`;
    const extract = markedExtract(text, searchTerms("gritting rota"))!;
    expect(extract).toContain(`${mark("gritting")} ${mark("rota")} together`);
    expect(extract.startsWith("…")).toBe(true);
    expect(extract.endsWith("…")).toBe(true);
    // Twenty-four words, counted without the marks and the ellipses.
    expect(
      extract
        .replaceAll(SNIPPET_START, "")
        .replaceAll(SNIPPET_END, "")
        .replaceAll("…", "")
        .trim()
        .split(/\s+/),
    ).toHaveLength(24);
  });

  it("returns nothing when no word matches, and drops marks the text itself holds", () => {
    expect(markedExtract("Nothing to see", searchTerms("gritting"))).toBeNull();
    expect(markedExtract("", searchTerms("gritting"))).toBeNull();
    expect(markedExtract("a\u0002b\u0003 gritting", searchTerms("gritting"))).toBe(
      `ab ${mark("gritting")}`,
    );
  });

  it("looks through no more than the start of a very long text", () => {
    const long = `${"word ".repeat(20_000)}gritting`;
    expect(markedExtract(long, searchTerms("gritting"))).toBeNull();
    expect(markedExtract(`gritting ${long}`, searchTerms("gritting"))!.endsWith("…")).toBe(true);
  });
});
