import {
  Accept,
  Activity,
  Add,
  Announce,
  Block,
  Create,
  Delete,
  Dislike,
  EmojiReact,
  Flag,
  Follow,
  Join,
  Leave,
  Like,
  Reject,
  Remove,
  TentativeAccept,
  Undo,
  Update,
} from "@fedify/vocab";
import { INBOX_PATH, SHARED_INBOX_PATH } from "../../domain/paths.ts";
import { logger } from "../../logging.ts";
import type { CopseFederation } from "../context.ts";
import { onUnverifiedPersonDelete } from "./actors.ts";
import { onAnnounced, onCreated, onDeleted } from "./content.ts";
import { onTentativelyAccepted } from "./events.ts";
import { onOtherActivity } from "./facilitator-acts.ts";
import { onDisliked, onEmojiReacted, onLiked } from "./likes.ts";
import { onAccepted, onFollowed, onJoined, onLeft, onRejected, onUndone } from "./membership.ts";
import { onBlocked } from "./moderation.ts";
import { onFlagged } from "./reports.ts";
import { sharedInboxKey } from "./shared-key.ts";
import { onAdded, onRemoved } from "./tags.ts";
import { onUpdated } from "./updates.ts";

const log = logger("federation", "inbox");

/** Wires every inbox listener; each activity family lives in its own module. */
export function registerInbox(federation: CopseFederation): void {
  federation
    .setInboxListeners(INBOX_PATH, SHARED_INBOX_PATH)
    // Fetches made while handling shared-inbox deliveries are signed by the instance actor,
    // so servers that require authorized fetch still answer (its key is looked up once).
    .setSharedKeyDispatcher(sharedInboxKey)
    .on(Follow, onFollowed)
    .on(Join, onJoined)
    .on(Undo, onUndone)
    .on(Leave, onLeft)
    .on(Accept, onAccepted)
    .on(TentativeAccept, onTentativelyAccepted)
    .on(Reject, onRejected)
    .on(Update, onUpdated)
    .on(Create, onCreated)
    .on(Delete, onDeleted)
    .on(Announce, onAnnounced)
    .on(Like, onLiked)
    .on(Flag, onFlagged)
    .on(Block, onBlocked)
    .on(Add, onAdded)
    .on(Remove, onRemoved)
    .on(Dislike, onDisliked)
    .on(EmojiReact, onEmojiReacted)
    // Types Fedify does not know arrive as plain activities (Lemmy's Lock among them).
    .on(Activity, onOtherActivity)
    .onUnverifiedActivity(onUnverifiedPersonDelete)
    .onError((_ctx, error) => {
      log.error("Inbox listener failed: {error}", { error });
    });
}
