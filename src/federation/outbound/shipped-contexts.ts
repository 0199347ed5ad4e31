import { preloadedContexts } from "@fedify/vocab-runtime";

// Copies of JSON-LD contexts that real servers name but that Fedify does not preload, written
// from what these servers publish, so an activity that names them is understood without a
// fetch (and when the server that names them cannot be reached).
//
// Fedify preloads ActivityStreams, security v1, Mastodon's `http://joinmastodon.org/ns`,
// GoToSocial's `https://gotosocial.org/ns` and Lemmy's `https://join-lemmy.org/context.json`.
// Mastodon and Misskey write their own extension terms inline, so nothing of theirs needs a
// copy. Pleroma and Akkoma name a context on their own host, `/schemas/litepub-0.1.jsonld`:
// one URL per instance, which is what made unreachable contexts common. Any URL with that path
// answers with the copy below: the definitions are the software's, not the instance's, and a
// copy can only narrow what a hostile instance could say through its own context.

const AS = "https://www.w3.org/ns/activitystreams";
const SECURITY_V1 = "https://w3id.org/security/v1";

/** Pleroma's and Akkoma's LitePub context (version 0.1), as their instances serve it. */
const LITEPUB_0_1 = {
  "@context": [
    AS,
    SECURITY_V1,
    {
      Emoji: "toot:Emoji",
      Hashtag: "as:Hashtag",
      PropertyValue: "schema:PropertyValue",
      atomUri: "ostatus:atomUri",
      conversation: { "@id": "ostatus:conversation", "@type": "@id" },
      discoverable: "toot:discoverable",
      manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
      capabilities: "litepub:capabilities",
      ostatus: "http://ostatus.org#",
      schema: "http://schema.org#",
      toot: "http://joinmastodon.org/ns#",
      misskey: "https://misskey-hub.net/ns#",
      fedibird: "http://fedibird.com/ns#",
      value: "schema:value",
      sensitive: "as:sensitive",
      litepub: "http://litepub.social/ns#",
      invisible: "litepub:invisible",
      directMessage: "litepub:directMessage",
      listMessage: { "@id": "litepub:listMessage", "@type": "@id" },
      quoteUrl: "as:quoteUrl",
      quoteUri: "fedibird:quoteUri",
      oauthRegistrationEndpoint: { "@id": "litepub:oauthRegistrationEndpoint", "@type": "@id" },
      EmojiReact: "litepub:EmojiReact",
      ChatMessage: "litepub:ChatMessage",
      alsoKnownAs: { "@id": "as:alsoKnownAs", "@type": "@id" },
      vcard: "http://www.w3.org/2006/vcard/ns#",
      formerRepresentations: "litepub:formerRepresentations",
    },
  ],
};

/** Other spellings of preloaded contexts that servers use: http:// and the .jsonld file. */
const ALIASES: Record<string, string> = {
  "http://www.w3.org/ns/activitystreams": AS,
  "https://www.w3.org/ns/activitystreams.jsonld": AS,
  "http://www.w3.org/ns/activitystreams.jsonld": AS,
  "http://w3id.org/security/v1": SECURITY_V1,
  "https://joinmastodon.org/ns": "http://joinmastodon.org/ns",
};

/** The shipped or preloaded copy of the context at `url`, or undefined when there is none. */
export function knownContext(url: string): unknown {
  if (url in preloadedContexts) return preloadedContexts[url];
  const alias = ALIASES[url];
  if (alias) return preloadedContexts[alias];
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return path === "/schemas/litepub-0.1.jsonld" ? LITEPUB_0_1 : undefined;
}
