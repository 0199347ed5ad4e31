import type { Db } from "../../db/client.ts";
import { type ActorRow, getActor } from "../actors.ts";
import { getItem, type ItemRow } from "../items.ts";
import type { ReportRow } from "./reports.ts";

/** A report with the people, post and community it names, as the pages show it. */
export interface ReportDetails {
  report: ReportRow;
  group: ActorRow | undefined;
  reporter: ActorRow | undefined;
  target: ActorRow | undefined;
  decidedBy: ActorRow | undefined;
  item: ItemRow | undefined;
  /** The kind of the thread's first post, for linking to a reply on its page. */
  rootKind: string;
}

/** Looks up what each report names (a page holds few, so one look-up each is fine). */
export function reportDetails(db: Db, rows: ReportRow[]): ReportDetails[] {
  const actor = (id: number | null) => (id === null ? undefined : getActor(db, id));
  return rows.map((report) => {
    const item = report.itemId === null ? undefined : getItem(db, report.itemId);
    const root = item?.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : undefined;
    return {
      report,
      group: actor(report.groupId),
      reporter: actor(report.reporterId),
      target: actor(report.targetActorId),
      decidedBy: actor(report.decidedById),
      item,
      rootKind: root?.kind ?? "topic",
    };
  });
}
