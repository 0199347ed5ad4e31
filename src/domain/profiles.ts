import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { actors } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { type FieldError, ValidationError } from "./errors.ts";

/** The editable basic profile of a local person. */
export interface ProfileInput {
  name: string;
  jobTitle: string;
  organisation: string;
  bio: string;
}

const LIMITS: Record<keyof ProfileInput, [label: string, max: number]> = {
  name: ["Display name", 100],
  jobTitle: ["Job title", 120],
  organisation: ["Organisation", 160],
  bio: ["About you", 5000],
};

/** Updates a local person's basic profile after checking every field. */
export function updateProfile(db: Db, actorId: number, input: ProfileInput): ActorRow {
  const errors: FieldError[] = [];
  const clean = {} as ProfileInput;
  for (const key of Object.keys(LIMITS) as (keyof ProfileInput)[]) {
    const [label, max] = LIMITS[key];
    // Bios keep their line breaks; one-line fields lose stray whitespace and control characters.
    const value =
      key === "bio"
        ? input[key].replace(/\r\n/g, "\n").trim()
        : input[key].replace(/\s+/g, " ").trim();
    if (value.length > max)
      errors.push({ field: key, message: `${label} must be ${max} characters or fewer` });
    clean[key] = value;
  }
  if (clean.name.length === 0) errors.push({ field: "name", message: "Enter your display name" });
  if (errors.length > 0) throw new ValidationError(errors);
  return db
    .update(actors)
    .set({
      name: clean.name,
      jobTitle: clean.jobTitle,
      organisation: clean.organisation,
      summary: clean.bio,
    })
    .where(eq(actors.id, actorId))
    .returning()
    .get();
}
