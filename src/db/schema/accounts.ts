import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/** Local log-in accounts; each owns exactly one local Person actor. */
export const accounts = sqliteTable("accounts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  actorId: integer("actor_id")
    .notNull()
    .unique()
    .references(() => actors.id, { onDelete: "cascade" }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  /** When the account last signed in with its password; null when never since this was kept. */
  lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
  /** When an administrator suspended the account; null while it is in good standing. */
  suspendedAt: integer("suspended_at", { mode: "timestamp_ms" }),
  /** Why the account was suspended, as the administrator wrote it. */
  suspensionReason: text("suspension_reason").notNull().default(""),
});

/**
 * Password-reset links waiting to be used; only a SHA-256 hash of the token is kept, and a
 * row is deleted when its link is used, so each link works once.
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("password_resets_account_idx").on(t.accountId)],
);

/** Server-side sessions; only a SHA-256 hash of the cookie token is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_account_idx").on(t.accountId)],
);

/** Failed sign-in attempts, counted per key (handle or client address) for throttling. */
export const loginAttempts = sqliteTable("login_attempts", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: integer("window_start", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Sign-ups waiting for their email address to be confirmed. The account is only created when
 * the link in the confirmation mail is used, so an unconfirmed sign-up can neither sign in nor
 * hold a handle; only a SHA-256 hash of the link's token is kept.
 */
export const signupRequests = sqliteTable(
  "signup_requests",
  {
    tokenHash: text("token_hash").primaryKey(),
    handle: text("handle").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("signup_requests_email_idx").on(t.email),
    index("signup_requests_expires_idx").on(t.expiresAt),
  ],
);

/**
 * The one-time link that creates the first administrator; only its SHA-256 hash is kept. Each
 * new link replaces the last, and the table is emptied once an administrator exists.
 */
export const setupTokens = sqliteTable("setup_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * A new email address waiting to be confirmed by the link mailed to it; the account keeps its
 * old address until then. One per account (a new request replaces the last); only a SHA-256
 * hash of the link's token is kept, and the row is deleted when the link is used.
 */
export const emailChanges = sqliteTable("email_changes", {
  tokenHash: text("token_hash").primaryKey(),
  accountId: integer("account_id")
    .notNull()
    .unique()
    .references(() => accounts.id, { onDelete: "cascade" }),
  newEmail: text("new_email").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Invitations by email from an administrator or a community's facilitator. The mailed link
 * creates an account (whatever the registration setting) and, with a community, joins it.
 * Only a SHA-256 hash of the token is kept; the row is deleted when the link is used.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    tokenHash: text("token_hash").primaryKey(),
    email: text("email").notNull(),
    /** The local community (Group actor) the invited person joins; null for none. */
    groupId: integer("group_id").references(() => actors.id, { onDelete: "cascade" }),
    invitedById: integer("invited_by_id").references(() => actors.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("invitations_email_idx").on(t.email)],
);

/**
 * Sign-in identities at the council's OpenID Connect provider, each linked to one account. The
 * pair (issuer, subject) is the provider's stable name for a person; the address is kept only
 * to show the person what is linked.
 */
export const accountIdentities = sqliteTable(
  "account_identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("account_identities_issuer_subject_idx").on(t.issuer, t.subject),
    index("account_identities_account_idx").on(t.accountId),
  ],
);
