import { type Actor, Application, Group, Organization, Person, Service } from "@fedify/vocab";
import type { RemoteActorData } from "../../domain/actors.ts";
import { htmlToText } from "./text.ts";

/** Maps a fetched ActivityStreams actor to what Copse stores; null when it lacks an id. */
export function remoteActorData(actor: Actor): RemoteActorData | null {
  if (!actor.id) return null;
  const type =
    actor instanceof Group
      ? "Group"
      : actor instanceof Application
        ? "Application"
        : actor instanceof Service
          ? "Service"
          : actor instanceof Organization
            ? "Organization"
            : actor instanceof Person
              ? "Person"
              : "Person";
  const handle = (actor.preferredUsername?.toString() ?? actor.id.pathname.split("/").pop() ?? "")
    .slice(0, 100)
    .toLowerCase();
  const url = actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? null);
  // Deliveries go wherever an actor says its inbox is, and Fedify's sender does not check the
  // address it connects to. The actor's own origin was fetched through the guarded fetcher, so
  // keeping inboxes there means a hostile server can only make Copse post to that server.
  const origin = actor.id.origin;
  const onOrigin = (inbox: URL | null | undefined) =>
    inbox && inbox.origin === origin ? inbox.href : null;
  return {
    iri: actor.id.href,
    type,
    handle,
    host: actor.id.host,
    name: (actor.name?.toString() ?? handle).slice(0, 200),
    summary: actor.summary ? htmlToText(actor.summary.toString()).slice(0, 5000) : "",
    url,
    inboxUrl: onOrigin(actor.inboxId),
    sharedInboxUrl: onOrigin(actor.endpoints?.sharedInbox),
    followersUrl: actor.followersId?.href ?? null,
    manuallyApprovesFollowers: actor.manuallyApprovesFollowers ?? false,
  };
}
