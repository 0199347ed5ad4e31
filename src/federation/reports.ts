import { Flag } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { getItem } from "../domain/items.ts";
import { fileReport, markReportSent, type ReportRow } from "../domain/moderation/reports.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

// A local person's report. A community hosted here has its queue in this database; one hosted
// elsewhere is sent the report as a Flag, in Lemmy's shape, which Lemmy, Mbin and Copse read.
// Incoming Flags are in src/federation/inbox/reports.ts.

const log = logger("federation", "reports");

/** What a local person reports, and to which community. */
export interface ReportInput {
  reporter: ActorRow;
  group: ActorRow;
  itemId?: number | undefined;
  target?: ActorRow | undefined;
  reason: string;
}

/** Files a local person's report; when the community is on another server, sends it there. */
export async function reportToCommunity(ctx: CopseContext, input: ReportInput): Promise<ReportRow> {
  const { db } = ctx.data;
  const report = fileReport(db, {
    reporterId: input.reporter.id,
    groupId: input.group.id,
    itemId: input.itemId,
    targetActorId: input.target?.id,
    reason: input.reason,
  });
  if (input.group.isLocal) return report;
  const object =
    input.itemId !== undefined ? getItem(db, input.itemId)?.iri : (input.target?.iri ?? undefined);
  if (!object) return report;
  const id = newActivityIri(ctx, "flag");
  const flag = new Flag({
    id,
    actor: new URL(input.reporter.iri),
    object: new URL(object),
    summary: report.reason,
    // Lemmy reads the community from `to` (and `audience` in older versions).
    tos: [new URL(input.group.iri)],
    audience: new URL(input.group.iri),
  });
  await ctx.sendActivity({ identifier: input.reporter.handle }, recipientOf(input.group), flag);
  markReportSent(db, report.id, id.href);
  log.info("Sent the report of {object} by {reporter} to {group}", {
    object,
    reporter: input.reporter.handle,
    group: input.group.iri,
  });
  return report;
}
