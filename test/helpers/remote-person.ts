import type { Db } from "../../src/db/client.ts";
import { type ActorRow, upsertRemoteActor } from "../../src/domain/actors.ts";

// A person on another server stored as the federation layer stores one it has met, for tests
// that need many people without running their servers.

/** Stores (or refreshes) a remote Person `handle@far.example` with a display name. */
export function remotePerson(db: Db, handle: string, name: string): ActorRow {
  return upsertRemoteActor(db, {
    iri: `https://far.example/users/${handle}`,
    type: "Person",
    handle,
    host: "far.example",
    name,
    summary: "",
    url: null,
    inboxUrl: null,
    sharedInboxUrl: null,
    followersUrl: null,
    manuallyApprovesFollowers: false,
  });
}
