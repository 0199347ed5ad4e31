import { expect } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import type { WebClient } from "./client.ts";
import { EventStream } from "./event-stream.ts";
import { startTestInstance, type TestInstance } from "./instances.ts";
import { signedIn } from "./sign-in.ts";

// The running instance the live stream's web tests share: Alice runs the public "garden" and
// the private "vault"; Bob belongs to the vault, Carol does not. It lives apart from
// live-world.ts so that the domain tests using that file do not load a whole instance.

/** The instance, people and communities of the live stream's web tests. */
export interface LiveInstance {
  copse: TestInstance;
  alice: ActorRow;
  garden: ActorRow;
  vault: ActorRow;
  bob: WebClient;
  carol: WebClient;
  /** Signs a person in to the instance's pages. */
  signedIn(handle: string): Promise<WebClient>;
  /** Opens the live stream, checks it was answered, and closes it with the instance. */
  open(options?: Parameters<typeof EventStream.open>[1]): Promise<EventStream>;
  /** Closes every stream opened and stops the instance. */
  close(): Promise<void>;
}

/** The cookies a browser signed in as this client would send. */
export function cookieOf(web: WebClient): string {
  return ["copse_session", "copse_csrf"].map((n) => `${n}=${web.cookie(n) ?? ""}`).join("; ");
}

/** Starts an instance with the world above. */
export async function startLiveInstance(name: string): Promise<LiveInstance> {
  const copse = await startTestInstance(name);
  const owner = await copse.createUser("alice", { name: "Alice Adams" });
  const alice = owner.actor;
  const bobAccount = await copse.createUser("bob", { name: "Bob Brown" });
  await copse.createUser("carol", { name: "Carol Clark" });
  const garden = copse.createCommunity("garden", owner, "public").actor;
  const vault = copse.createCommunity("vault", owner, "private").actor;
  requestMembership(copse.db, { groupId: vault.id, memberId: bobAccount.actor.id });
  decideMembership(copse.db, {
    groupId: vault.id,
    memberId: bobAccount.actor.id,
    byActorId: alice.id,
    approve: true,
  });
  const streams: EventStream[] = [];
  return {
    copse,
    alice,
    garden,
    vault,
    bob: await signedIn(copse, "bob"),
    carol: await signedIn(copse, "carol"),
    signedIn: (handle) => signedIn(copse, handle),
    async open(options = {}) {
      const stream = await EventStream.open(copse.origin, options);
      streams.push(stream);
      expect(stream.response!.status).toBe(200);
      return stream;
    },
    async close() {
      for (const stream of streams) stream.close();
      await copse.close();
    },
  };
}
