import { describe, expect, it } from "vitest";
import { publicAudienceAsIri } from "../../src/federation/vocab/public-audience.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

describe("the public audience in what Copse sends", () => {
  it("is written as the full IRI in every addressing property, at any depth", () => {
    const context = ["https://www.w3.org/ns/activitystreams", { sensitive: "as:sensitive" }];
    const announce = {
      "@context": context,
      type: "Announce",
      to: ["as:Public"],
      cc: ["https://copse.example/ap/actors/garden/followers"],
      object: {
        type: "Create",
        to: "as:Public",
        cc: ["Public", "https://copse.example/ap/actors/garden"],
        object: { type: "Note", audience: "as:Public", bto: ["https://a.example/u/1"] },
      },
    };
    expect(publicAudienceAsIri(announce)).toEqual({
      "@context": context,
      type: "Announce",
      to: [PUBLIC],
      cc: ["https://copse.example/ap/actors/garden/followers"],
      object: {
        type: "Create",
        to: PUBLIC,
        cc: [PUBLIC, "https://copse.example/ap/actors/garden"],
        object: { type: "Note", audience: PUBLIC, bto: ["https://a.example/u/1"] },
      },
    });
  });

  it("leaves the same words alone outside addressing, and the input unchanged", () => {
    const note = {
      "@context": { Public: "https://example.org/not-the-audience" },
      type: "Note",
      name: "as:Public",
      content: "Public",
      tag: [{ type: "Hashtag", name: "Public" }],
    };
    const copy = structuredClone(note);
    expect(publicAudienceAsIri(note)).toEqual(copy);
    const addressed = { type: "Note", to: ["as:Public"] };
    publicAudienceAsIri(addressed);
    expect(addressed.to).toEqual(["as:Public"]);
  });
});
