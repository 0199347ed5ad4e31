import type { ItemKind } from "../../../src/domain/items.ts";

// The shape of the expectation tables: what each fixture's test sets up before delivery and
// what Copse must have done afterwards.

/** What Copse must have done once the activity is handled. All ids are the fixture's own. */
export type Outcome =
  /** A new item row with this id, kind, title and parent, in the case's group. */
  | {
      outcome: "stored";
      item: string;
      kind: ItemKind;
      title?: string;
      parent?: string;
      /** A piece of text the sanitized body must contain. */
      body?: string;
    }
  /** The (seeded) item's body now has this text; its title, when given, is this. */
  | { outcome: "updated"; item: string; body: string; title?: string }
  /** The (seeded) item is a tombstone. */
  | { outcome: "tombstoned"; item: string }
  /** The membership of `member` in `group` is now in `state` (null: there is none). */
  | { outcome: "membership"; member: string; group: string; state: "active" | "pending" | null }
  /** Nothing in items, memberships or local actors changed, and the delivery got 202. */
  | { outcome: "ignored"; reason: string }
  /** A private message with this id, from and to these people, whose body has this text. */
  | { outcome: "message"; message: string; from: string; to: string; body: string }
  /**
   * A facilitator's act was applied: the (seeded) item is now removed, locked or pinned (or
   * not), and `member` (a peer actor) now has this role in the case's first community.
   */
  | {
      outcome: "moderated";
      item?: string;
      removed?: boolean;
      locked?: boolean;
      pinned?: boolean;
      member?: string;
      role?: "facilitator" | "member";
    }
  /** Open reports in `group` (a local community), one for each of these (seeded) items. */
  | { outcome: "reported"; group: string; items: string[]; reason: string }
  /** The (seeded) item's vote by `actor` is now `value` (null: they have no vote on it). */
  | { outcome: "voted"; item: string; actor: string; value: 1 | -1 | null };

/** A membership that exists before delivery, in the case's first community unless `group`. */
export type Member =
  | string
  | { actor: string; role?: "member" | "facilitator"; follow?: string; group?: string };

/** An item that exists before delivery. */
export interface Seed {
  iri: string;
  kind: ItemKind;
  /** Fixture id of the author; for local seeds a local user, else the community's owner. */
  author?: string;
  /** Fixture id of the group it is in; the case's first community (or remote group). */
  group?: string;
  parent?: string;
  title?: string;
  /** A Copse item: the fixture id is mapped to a fresh local id. */
  local?: boolean;
  /** Already a tombstone here. */
  deleted?: boolean;
  /** Gone from its origin too (the peer does not serve it). */
  gone?: boolean;
}

/** One activity fixture's test: its preconditions and what Copse must do with it. */
export interface Case {
  expect: Outcome;
  /** Fixture ids of groups that become Copse communities (public). */
  communities?: string[];
  /** Fixture ids of groups that stay on the peer, each with a Copse user as active member. */
  remoteGroups?: string[];
  /** Fixture ids of people that become Copse users. */
  localUsers?: string[];
  /** Peer actors who are members before delivery. */
  members?: Member[];
  seed?: Seed[];
  /** Votes on seeded items before delivery, made with these activity ids. */
  votes?: { item: string; actor: string; value: 1 | -1; activity: string }[];
  /** A Copse user's pending Follow of a remote group, which the fixture answers. */
  pending?: { member: string; group: string; follow: string };
  /** Other fixtures the peer serves (rewritten), because the activity names them by id. */
  serve?: string[];
  /** Where it is delivered: the shared inbox (default), the community's or the local user's. */
  inbox?: "shared" | "group" | "user";
  /** The fixture is a bare object; it is delivered in a Create by its author, as sent. */
  wrap?: boolean;
  /** Copse does the wrong thing: the test asserts the right one and is expected to fail. */
  bug?: string;
  /** Serves these actors (fixture id) in the shape of this fixture, not their software's. */
  actorShapes?: Record<string, string>;
}

/** What Copse must do with an object fixture wrapped in a Create to a community. */
export type ObjectOutcome =
  /** Stored with this kind and title; `keeps` is text its body, url or shared link must hold. */
  | { outcome: "stored"; kind: ItemKind; title?: string; keeps?: string }
  | { outcome: "ignored"; reason: string };

/** Why deletions of private messages are set aside for now (the messages themselves are kept). */
export const PRIVATE_MESSAGE = "private message deletion is not handled yet";
