import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/** Who may see one contact detail of a person. */
export const CONTACT_VISIBILITIES = ["public", "members", "contacts"] as const;
/** One of CONTACT_VISIBILITIES. */
export type ContactVisibility = (typeof CONTACT_VISIBILITIES)[number];

/**
 * The parts of a person's profile that the actors table does not hold: location, contact
 * details with their visibility, service areas, the photo and the contact-request policy.
 * Remote people get a row too, holding what their server made public.
 */
export const personProfiles = sqliteTable("person_profiles", {
  actorId: integer("actor_id")
    .primaryKey()
    .references(() => actors.id, { onDelete: "cascade" }),
  location: text("location").notNull().default(""),
  email: text("email").notNull().default(""),
  emailVisibility: text("email_visibility", { enum: CONTACT_VISIBILITIES })
    .notNull()
    .default("contacts"),
  phone: text("phone").notNull().default(""),
  phoneVisibility: text("phone_visibility", { enum: CONTACT_VISIBILITIES })
    .notNull()
    .default("contacts"),
  website: text("website").notNull().default(""),
  websiteVisibility: text("website_visibility", { enum: CONTACT_VISIBILITIES })
    .notNull()
    .default("public"),
  /** Service-area codes from SERVICE_AREAS, comma separated. */
  serviceAreas: text("service_areas").notNull().default(""),
  /** When the local photo was last replaced (cache-busting), or null without one. */
  photoUpdatedAt: integer("photo_updated_at", { mode: "timestamp_ms" }),
  /** A remote person's avatar URL, as their server published it. */
  iconUrl: text("icon_url"),
  approveContacts: integer("approve_contacts", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

/** A person's areas of expertise and interests: free tags, normalised to lower case. */
export const personTags = sqliteTable(
  "person_tags",
  {
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["expertise", "interest"] }).notNull(),
    tag: text("tag").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.actorId, t.kind, t.tag] }),
    index("person_tags_tag_idx").on(t.tag),
  ],
);
