import type { InboxContext } from "@fedify/fedify";
import type { Flag } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../../domain/actors.ts";
import { htmlToPlainText } from "../../domain/html.ts";
import { findItemByIri } from "../../domain/items.ts";
import { findMembership } from "../../domain/membership.ts";
import { flagFloodReason } from "../../domain/moderation/report-limits.ts";
import { receiveReports } from "../../domain/moderation/reports.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { fetchAndStoreActor } from "../lookup.ts";

// Reports from other servers. Mastodon sends Flag{object: [person, posts...], content: reason}
// from its instance actor; Lemmy and Mbin send Flag{object: post or comment, summary: reason,
// to/audience: the community} from the reporter. Each becomes a report in every local
// community that holds a post it names (src/domain/moderation/reports.ts).

const log = logger("federation", "inbox", "reports");
type Ctx = InboxContext<ContextData>;

/** The reporter: a known actor, or fetched (Mastodon's instance actor is often new to us). */
async function reporterOf(ctx: Ctx, iri: string): Promise<ActorRow | null> {
  const known = findActorByIri(ctx.data.db, iri);
  if (known) return known;
  try {
    return await fetchAndStoreActor(ctx, iri);
  } catch {
    return null;
  }
}

/** Handles Flag: a report about posts held here, people of this instance or members here. */
export async function onFlagged(ctx: Ctx, flag: Flag): Promise<void> {
  const { db } = ctx.data;
  const id = flag.id?.href;
  const reporter = flag.actorId ? await reporterOf(ctx, flag.actorId.href) : null;
  if (!id || !reporter || reporter.isLocal) {
    log.info("Ignored Flag {id}: no id or no remote reporter", { id });
    return;
  }
  const flood = flagFloodReason(db, { reporterId: reporter.id, fromHost: reporter.host });
  if (flood) {
    log.warn("Refused Flag {id} from {actor}: {reason}", {
      id,
      actor: reporter.iri,
      reason: flood,
    });
    return;
  }
  const addressed = [...flag.toIds, ...flag.audienceIds, ...flag.targetIds];
  const groupIds = [
    ...new Set(
      addressed
        .map((iri) => findActorByIri(db, iri.href))
        .filter((a) => a?.isLocal && a.type === "Group")
        .map((a) => a!.id),
    ),
  ];
  const itemIds: number[] = [];
  const personIds: number[] = [];
  for (const object of flag.objectIds) {
    const item = findItemByIri(db, object.href);
    if (item) itemIds.push(item.id);
    const actor = item ? undefined : findActorByIri(db, object.href);
    // People of this instance, and members (from any server) of the communities addressed:
    // a report made on another server about someone in a community hosted here.
    if (
      actor?.type === "Person" &&
      (actor.isLocal || groupIds.some((g) => findMembership(db, g, actor.id)))
    ) {
      personIds.push(actor.id);
    }
  }
  const summary = flag.summary?.toString() ?? "";
  const content = flag.content?.toString() ?? "";
  const reason = htmlToPlainText(summary || content);
  const rows = receiveReports(db, {
    reporterId: reporter.id,
    fromHost: reporter.host,
    activityIri: id,
    reason,
    itemIds,
    personIds,
    groupIds,
  });
  log.info("Received Flag {id} from {actor}: {count} reports", {
    id,
    actor: reporter.iri,
    count: rows.length,
  });
}
