import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import {
  CONTACT_VISIBILITIES,
  type ContactVisibility,
  personProfiles,
  personTags,
} from "../db/schema/index.ts";
import { type FieldError, ValidationError } from "./errors.ts";

/** A row of person_profiles. */
export type PersonProfileRow = typeof personProfiles.$inferSelect;
export type { ContactVisibility };
export { CONTACT_VISIBILITIES };

/** The fixed list of local-government service areas people pick from (code, label). */
export const SERVICE_AREAS: readonly (readonly [code: string, label: string])[] = [
  ["planning", "Planning"],
  ["procurement", "Procurement"],
  ["education", "Education"],
  ["adult-social-care", "Adult social care"],
  ["childrens-services", "Children's services"],
  ["housing", "Housing"],
  ["waste", "Waste"],
  ["highways", "Highways"],
  ["environmental-health", "Environmental health"],
  ["libraries", "Libraries"],
  ["leisure", "Leisure"],
  ["revenues-benefits", "Revenues and benefits"],
  ["licensing", "Licensing"],
  ["trading-standards", "Trading standards"],
  ["digital-it", "Digital and IT"],
  ["finance", "Finance"],
  ["hr", "HR"],
  ["legal", "Legal"],
  ["democratic-services", "Democratic services"],
  ["emergency-planning", "Emergency planning"],
  ["public-health", "Public health"],
  ["transport", "Transport"],
  ["economic-development", "Economic development"],
  ["culture", "Culture"],
];

const SERVICE_AREA_CODES = new Set(SERVICE_AREAS.map(([code]) => code));

/** The label of a service-area code, or the code itself when it is unknown. */
export function serviceAreaLabel(code: string): string {
  return SERVICE_AREAS.find(([c]) => c === code)?.[1] ?? code;
}

/** The extended profile fields a person edits besides name, job, organisation and bio. */
export interface PersonDetailsInput {
  location: string;
  email: string;
  emailVisibility: string;
  phone: string;
  phoneVisibility: string;
  website: string;
  websiteVisibility: string;
  expertise: string;
  interests: string;
  serviceAreas: readonly string[];
  approveContacts: boolean;
}

/** A person's profile row, or the defaults when they have never saved one. */
export function getPersonProfile(db: Db, actorId: number): PersonProfileRow {
  return (
    db.select().from(personProfiles).where(eq(personProfiles.actorId, actorId)).get() ?? {
      actorId,
      location: "",
      email: "",
      emailVisibility: "contacts",
      phone: "",
      phoneVisibility: "contacts",
      website: "",
      websiteVisibility: "public",
      serviceAreas: "",
      photoUpdatedAt: null,
      iconUrl: null,
      approveContacts: false,
      updatedAt: new Date(0),
    }
  );
}

/** Splits a comma-separated list of free tags into distinct, lower-case, trimmed tags. */
export function parseTagList(text: string): string[] {
  const tags = text
    .split(/[,\n]/)
    .map((t) => t.replace(/\s+/g, " ").trim().replace(/^#+/, "").trim().toLowerCase())
    .filter((t) => t.length > 0);
  return [...new Set(tags)];
}

/** A person's tags of one kind, alphabetically. */
export function listPersonTags(db: Db, actorId: number, kind: "expertise" | "interest"): string[] {
  return db
    .select({ tag: personTags.tag })
    .from(personTags)
    .where(and(eq(personTags.actorId, actorId), eq(personTags.kind, kind)))
    .orderBy(personTags.tag)
    .all()
    .map((r) => r.tag);
}

/** Replaces a person's tags of one kind (used for local edits and remote refreshes alike). */
export function replacePersonTags(
  db: Db,
  actorId: number,
  kind: "expertise" | "interest",
  tags: readonly string[],
): void {
  db.transaction((tx) => {
    tx.delete(personTags)
      .where(and(eq(personTags.actorId, actorId), eq(personTags.kind, kind)))
      .run();
    for (const tag of new Set(tags)) {
      tx.insert(personTags).values({ actorId, kind, tag }).onConflictDoNothing().run();
    }
  });
}

function isVisibility(value: string): value is ContactVisibility {
  return (CONTACT_VISIBILITIES as readonly string[]).includes(value);
}

/** Checks and saves a local person's extended profile; throws ValidationError with every problem. */
export function updatePersonDetails(db: Db, actorId: number, input: PersonDetailsInput): void {
  const errors: FieldError[] = [];
  const line = (s: string) => s.replace(/\s+/g, " ").trim();
  const location = line(input.location);
  const email = line(input.email);
  const phone = line(input.phone);
  const website = line(input.website);
  if (location.length > 120)
    errors.push({ field: "location", message: "Location must be 120 characters or fewer" });
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
    errors.push({ field: "email", message: "Enter an email address like name@council.gov.uk" });
  if (phone && (phone.length > 40 || !/^[+0-9() -]{5,}$/.test(phone)))
    errors.push({ field: "phone", message: "Enter a phone number, like 01632 960 001" });
  // Only web addresses are allowed, so a website link can never run script when clicked.
  if (website && (website.length > 300 || !/^https?:\/\/[^\s]+\.[^\s]+$/i.test(website)))
    errors.push({ field: "website", message: "Enter a website address starting with https://" });
  for (const key of ["emailVisibility", "phoneVisibility", "websiteVisibility"] as const) {
    if (!isVisibility(input[key]))
      errors.push({ field: key, message: "Choose who can see this contact detail" });
  }
  const expertise = parseTagList(input.expertise);
  const interests = parseTagList(input.interests);
  for (const [field, tags, label] of [
    ["expertise", expertise, "Areas of expertise"],
    ["interests", interests, "Interests"],
  ] as const) {
    if (tags.length > 30) errors.push({ field, message: `${label}: list 30 or fewer` });
    if (tags.some((t) => t.length > 60))
      errors.push({ field, message: `${label}: each must be 60 characters or fewer` });
  }
  const areas = [...new Set(input.serviceAreas)];
  if (areas.some((a) => !SERVICE_AREA_CODES.has(a)))
    errors.push({ field: "serviceAreas", message: "Choose service areas from the list" });
  if (errors.length > 0) throw new ValidationError(errors);
  const values = {
    location,
    email,
    emailVisibility: input.emailVisibility as ContactVisibility,
    phone,
    phoneVisibility: input.phoneVisibility as ContactVisibility,
    website,
    websiteVisibility: input.websiteVisibility as ContactVisibility,
    serviceAreas: areas.join(","),
    approveContacts: input.approveContacts,
    updatedAt: new Date(),
  };
  db.transaction((tx) => {
    tx.insert(personProfiles)
      .values({ actorId, ...values })
      .onConflictDoUpdate({ target: personProfiles.actorId, set: values })
      .run();
    replacePersonTags(tx as unknown as Db, actorId, "expertise", expertise);
    replacePersonTags(tx as unknown as Db, actorId, "interest", interests);
  });
}

/** Records that a local person's photo was replaced (or removed, with null). */
export function setPhotoUpdated(db: Db, actorId: number, at: Date | null): void {
  db.insert(personProfiles)
    .values({ actorId, photoUpdatedAt: at })
    .onConflictDoUpdate({ target: personProfiles.actorId, set: { photoUpdatedAt: at } })
    .run();
}

/** What a remote server made public about a person, mapped from their actor document. */
export interface RemotePersonDetails {
  location: string;
  email: string;
  phone: string;
  website: string;
  iconUrl: string | null;
  expertise: string[];
  interests: string[];
}

/** Stores a remote person's public details; they are public by definition on their server. */
export function saveRemotePersonDetails(db: Db, actorId: number, d: RemotePersonDetails): void {
  const values = {
    location: d.location.slice(0, 120),
    email: d.email.slice(0, 254),
    emailVisibility: "public" as const,
    phone: d.phone.slice(0, 40),
    phoneVisibility: "public" as const,
    website: d.website.slice(0, 300),
    websiteVisibility: "public" as const,
    iconUrl: d.iconUrl,
    updatedAt: new Date(),
  };
  db.transaction((tx) => {
    tx.insert(personProfiles)
      .values({ actorId, ...values })
      .onConflictDoUpdate({ target: personProfiles.actorId, set: values })
      .run();
    replacePersonTags(tx as unknown as Db, actorId, "expertise", d.expertise.slice(0, 30));
    replacePersonTags(tx as unknown as Db, actorId, "interest", d.interests.slice(0, 30));
  });
}
