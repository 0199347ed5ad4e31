import type { SenderKeyPair } from "@fedify/fedify";
import type { Db } from "../../db/client.ts";
import { INSTANCE_ACTOR } from "../../domain/paths.ts";
import type { CopseContext } from "../context.ts";

// Fedify asks the shared inbox's key dispatcher for a signing identity twice for every
// delivery (when the request arrives and when its queued message is handled), and given the
// instance actor's identifier it reads and sorts that actor's key pairs from the database
// each time, to pick the same RSA key. The instance actor's keys never change once stored, so
// its RSA key is looked up once per database and handed to Fedify as a key pair.

const instanceKeys = new WeakMap<Db, Promise<SenderKeyPair | null>>();

/**
 * The identity that signs fetches made while handling shared-inbox deliveries: the instance
 * actor's RSA key (so servers that require authorized fetch still answer), or its identifier
 * when that key cannot be had yet, leaving Fedify to look it up.
 */
export async function sharedInboxKey(
  ctx: CopseContext,
): Promise<SenderKeyPair | { identifier: string }> {
  const db = ctx.data.db;
  let key = instanceKeys.get(db);
  if (!key) {
    key = ctx.getActorKeyPairs(INSTANCE_ACTOR).then((pairs) => {
      const rsa = pairs.find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5");
      return rsa ? { keyId: rsa.keyId, privateKey: rsa.privateKey } : null;
    });
    instanceKeys.set(db, key);
  }
  // A failure or a missing key is not remembered: the next delivery asks again.
  const found = await key.catch(() => null);
  if (!found) {
    instanceKeys.delete(db);
    return { identifier: INSTANCE_ACTOR };
  }
  return found;
}
