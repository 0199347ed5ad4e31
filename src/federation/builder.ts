import {
  createExponentialBackoffPolicy,
  createFederation,
  type KvStore,
  kvCache,
  type MessageQueue,
} from "@fedify/fedify";
import type { Config } from "../config.ts";
import { registerActors } from "./actors.ts";
import { registerCollections } from "./collections.ts";
import type { ContextData, CopseFederation } from "./context.ts";
import { registerInbox } from "./inbox/index.ts";
import { cacheKeyImports } from "./key-import-cache.ts";
import { registerNodeInfo } from "./nodeinfo.ts";
import { registerObjects } from "./objects.ts";
import { guardedContextLoader } from "./outbound/context-loader.ts";
import { guardedDocumentLoader } from "./outbound/document-loader.ts";
import { outboundPolicy } from "./outbound/policy.ts";
import { ACTIVITY_TRANSFORMERS, relayThrough } from "./relay.ts";

/** Builds Copse's Fedify federation: actors, collections, inbox, NodeInfo, durable queue. */
export function buildFederation(options: {
  config: Config;
  kv: KvStore;
  queue: { inbox: MessageQueue; outbox: MessageQueue };
}): CopseFederation {
  const { config } = options;
  // Each queued delivery carries its signing keys as JWK (src/federation/key-import-cache.ts).
  cacheKeyImports();
  const policy = outboundPolicy(config);
  // One context loader (and so one context cache) for the whole federation.
  const contextLoader = guardedContextLoader(policy);
  // And one document loader: Fedify asks its factory for one per context it makes, that is
  // for every incoming activity and delivery, and building a guarded loader and its cache
  // wrapper each time cost more than most look-ups it then answered.
  const documentLoader = kvCache({
    loader: guardedDocumentLoader(policy),
    kv: options.kv,
    kind: "object",
  });
  const federation = createFederation<ContextData>({
    kv: options.kv,
    // No fan-out queue: a fanned-out activity is parsed back from JSON and written again by
    // Fedify's own classes, which would undo keepListsAsArrays after its proof was made.
    // Without one, the sending request enqueues one delivery per inbox itself.
    queue: { inbox: options.queue.inbox, outbox: options.queue.outbox },
    // Fedify's, then Copse's shaping for Lemmy (src/federation/relay.ts, vocab/lists.ts).
    activityTransformers: [...ACTIVITY_TRANSFORMERS],
    // The server starts the queue itself, so one-off processes (the admin command line) can
    // enqueue deliveries for the server to send without delivering anything themselves.
    manuallyStartQueue: true,
    origin: config.origin,
    // Every document, key, collection and context Copse fetches goes through its guarded
    // loaders (outbound/): content types, byte and time caps, redirects checked hop by hop,
    // and the address policy (private addresses only where the configuration allows them)
    // checked as each connection is made. Fedify refuses these factories together with its
    // own allowPrivateAddress and userAgent options, which the loaders now carry instead.
    // Unsigned documents are cached in the KV store for five minutes, as Fedify's own were.
    documentLoaderFactory: () => documentLoader,
    contextLoaderFactory: () => contextLoader,
    authenticatedDocumentLoaderFactory: (identity) => guardedDocumentLoader(policy, identity),
    // Sign a first delivery to a server with draft-cavage HTTP Signatures, which Mastodon,
    // Lemmy, Mbin, Misskey and Fedify-based servers all read, instead of Fedify's default of
    // RFC 9421, which most of them refuse: that first knock would cost a second signature and
    // a refused request per server before the fallback. Fedify remembers per origin which
    // format was accepted (in the KV store), so a server that takes only RFC 9421 is signed
    // for once with each and then only with RFC 9421.
    firstKnock: "draft-cavage-http-signatures-12",
    // Fedify's default gives up after about half an hour. Council servers go down for
    // weekends and maintenance windows, so keep trying for about three days, as Mastodon does.
    outboxRetryPolicy: createExponentialBackoffPolicy({
      initialDelay: { minutes: 1 },
      maxDelay: { hours: 12 },
      maxAttempts: 16,
    }),
    inboxRetryPolicy: createExponentialBackoffPolicy({
      initialDelay: { seconds: 5 },
      maxDelay: { hours: 1 },
      maxAttempts: 10,
    }),
  });
  // A group's Announces are queued on the same outbox, unsigned until sent (relay.ts).
  relayThrough(federation, options.queue.outbox);
  registerActors(federation);
  registerCollections(federation);
  registerObjects(federation);
  registerInbox(federation);
  registerNodeInfo(federation);
  return federation;
}
