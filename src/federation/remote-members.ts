import { isActor, traverseCollection } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { INSTANCE_ACTOR } from "../domain/paths.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { fetchRemoteObject } from "./remote-object.ts";

const log = logger("federation", "remote-members");
const CACHE_TTL_MS = 5 * 60_000;
// A small per-process cache: the answer changes only when people join or leave, and a few
// minutes' delay in seeing that is fine for deciding who may fetch an item.
const cache = new Map<string, { hosts: Set<string>; expires: number }>();
const MAX_MEMBERS = 5_000;

/**
 * Whether a remote group lists a member on some host, asked of the group's own (signed)
 * followers collection and cached briefly. Used when another server fetches a members-only
 * item we authored in that group: only the group's home knows who its members are.
 */
export async function remoteGroupHasMemberOnHost(
  ctx: CopseContext,
  group: ActorRow,
  host: string,
): Promise<boolean> {
  if (!group.followersUrl) return false;
  const cached = cache.get(group.iri);
  if (cached && cached.expires > Date.now()) return cached.hosts.has(host);
  const hosts = new Set<string>();
  try {
    const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
    const collection = await fetchRemoteObject(ctx, group.followersUrl, documentLoader);
    if (collection && "getItems" in collection) {
      let seen = 0;
      for await (const item of traverseCollection(collection as never, { documentLoader })) {
        const id = isActor(item) ? item.id : (item as { id?: URL | null }).id;
        if (id) hosts.add(id.host);
        if (++seen >= MAX_MEMBERS) break;
      }
    }
  } catch (error) {
    log.info("Could not read the members of {group}: {error}", { group: group.iri, error });
    return false;
  }
  cache.set(group.iri, { hosts, expires: Date.now() + CACHE_TTL_MS });
  return hosts.has(host);
}
