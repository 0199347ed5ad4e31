import { describe, expect, it } from "vitest";
import {
  isActivityPubMediaType,
  isContextMediaType,
} from "../../src/federation/outbound/media-types.ts";
import { withSecurityContext } from "../../src/federation/outbound/security-context.ts";
import { knownContext } from "../../src/federation/outbound/shipped-contexts.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const SEC = "https://w3id.org/security/v1";
const key = { id: "https://d.example/u#main-key", owner: "https://d.example/u", publicKeyPem: "" };

describe("media types of fetched documents", () => {
  it("takes the ActivityStreams profile from a list of profiles, quoted or not", () => {
    expect(isActivityPubMediaType(`application/ld+json; profile="${AS}"`)).toBe(true);
    expect(isActivityPubMediaType(`Application/LD+JSON;profile="https://x.example ${AS}"`)).toBe(
      true,
    );
    expect(isActivityPubMediaType(`application/ld+json; profile="https://x.example"`)).toBe(false);
    expect(isActivityPubMediaType("application/activity+json;charset=utf-8")).toBe(true);
    expect(isActivityPubMediaType(undefined)).toBe(false);
  });

  it("takes contexts served as JSON-LD or JSON, and nothing else", () => {
    expect(isContextMediaType("application/ld+json")).toBe(true);
    expect(isContextMediaType("application/json; charset=utf-8")).toBe(true);
    expect(isContextMediaType("text/html")).toBe(false);
  });
});

describe("the security context added to actors that lack it", () => {
  it("adds it after named contexts and before inline terms, which keep the last word", () => {
    const doc = { "@context": [AS, { blurb: "ex:blurb" }], publicKey: key };
    expect(withSecurityContext(doc)).toEqual({
      ...doc,
      "@context": [AS, SEC, { blurb: "ex:blurb" }],
    });
    expect(withSecurityContext({ "@context": AS, publicKey: key })).toEqual({
      "@context": [AS, SEC],
      publicKey: key,
    });
  });

  it("leaves documents alone that define publicKey already or have no key", () => {
    const mastodon = { "@context": [AS, SEC], publicKey: key };
    expect(withSecurityContext(mastodon)).toBe(mastodon);
    const inline = { "@context": [AS, { publicKey: "sec:publicKey" }], publicKey: key };
    expect(withSecurityContext(inline)).toBe(inline);
    const note = { "@context": AS, type: "Note" };
    expect(withSecurityContext(note)).toBe(note);
  });
});

describe("contexts answered without fetching", () => {
  it("answers any instance's litepub-0.1.jsonld and the http spelling of ActivityStreams", () => {
    const litepub = knownContext("https://pleroma.example/schemas/litepub-0.1.jsonld");
    expect(JSON.stringify(litepub)).toContain("http://litepub.social/ns#");
    expect(knownContext("http://www.w3.org/ns/activitystreams")).toBe(knownContext(AS));
    expect(knownContext("https://pleroma.example/schemas/other.jsonld")).toBeUndefined();
  });
});
