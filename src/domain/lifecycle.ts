import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { communities } from "../db/schema/index.ts";
import { NotFoundError, ValidationError } from "./errors.ts";

/** The stages of a community's life, in the order communities usually pass through them. */
export const STAGES = [
  {
    id: "planning",
    label: "Planning",
    hint: "Being set up: its facilitators are working out its purpose and who it is for.",
  },
  {
    id: "start-up",
    label: "Start-up",
    hint: "Just started: finding members and holding its first conversations.",
  },
  {
    id: "nurture",
    label: "Nurture",
    hint: "Growing: building trust, habits and shared knowledge among its members.",
  },
  {
    id: "sustain",
    label: "Sustain",
    hint: "Established: keeping its work going and renewing its membership.",
  },
  {
    id: "closedown",
    label: "Closedown",
    hint: "Winding down: what it learned is being recorded and handed on.",
  },
] as const;

/** One lifecycle stage. */
export type Stage = (typeof STAGES)[number]["id"];

/** Whether a string names a lifecycle stage. */
export function isStage(value: string): value is Stage {
  return STAGES.some((s) => s.id === value);
}

/** The label and hint of a stage. */
export function stageInfo(stage: Stage): (typeof STAGES)[number] {
  return STAGES.find((s) => s.id === stage) ?? STAGES[1];
}

/** The stage of a local community, by its Group actor id; undefined for remote groups. */
export function stageOf(db: Db, groupId: number): Stage | undefined {
  return db
    .select({ stage: communities.stage })
    .from(communities)
    .where(eq(communities.actorId, groupId))
    .get()?.stage;
}

/** Sets a local community's stage; anything but a known stage is refused and changes nothing. */
export function setStage(db: Db, groupId: number, stage: string): Stage {
  if (!isStage(stage)) {
    throw new ValidationError([
      { field: "stage", message: "Choose the community's stage from the list" },
    ]);
  }
  const updated = db
    .update(communities)
    .set({ stage })
    .where(eq(communities.actorId, groupId))
    .returning()
    .get();
  if (!updated) throw new NotFoundError("That community is not hosted on this instance");
  return stage;
}
