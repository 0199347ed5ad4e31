import { type Actor, Hashtag, Image, PropertyValue } from "@fedify/vocab";
import type { ActorRow } from "../../domain/actors.ts";
import type { PersonProfileRow, RemotePersonDetails } from "../../domain/person-details.ts";
import { parseTagList } from "../../domain/person-details.ts";
import { htmlToText } from "./text.ts";

/** What the Person document of a local person carries beyond the common actor fields. */
export interface PersonExtras {
  attachments: PropertyValue[];
  tags: Hashtag[];
  icon: Image | null;
}

/**
 * Builds the Person's PropertyValue attachments, Hashtags and icon. Only contact details whose
 * visibility is public are included: the document is served to anyone who asks.
 */
export function personExtras(
  origin: string,
  row: ActorRow,
  profile: PersonProfileRow,
  expertise: readonly string[],
  interests: readonly string[],
): PersonExtras {
  const attachments: PropertyValue[] = [];
  const add = (name: string, value: string) => {
    if (value) attachments.push(new PropertyValue({ name, value }));
  };
  add("Job title", row.jobTitle);
  add("Organisation", row.organisation);
  add("Location", profile.location);
  if (profile.emailVisibility === "public") add("Email", profile.email);
  if (profile.phoneVisibility === "public") add("Phone", profile.phone);
  if (profile.websiteVisibility === "public" && profile.website) {
    // Mastodon shows (and verifies) links given as an anchor in the value.
    const href = profile.website.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    add("Website", `<a href="${href}" rel="me nofollow noopener">${href}</a>`);
  }
  add("Expertise", expertise.join(", "));
  add("Interests", interests.join(", "));
  const tags = [...new Set([...expertise, ...interests])].map(
    (tag) =>
      new Hashtag({
        name: `#${tag.replace(/\s+/g, "_")}`,
        href: new URL(`/people?tag=${encodeURIComponent(tag)}`, origin),
      }),
  );
  const icon = profile.photoUpdatedAt
    ? new Image({
        url: new URL(
          `/media/people/${row.handle}/400.webp?v=${profile.photoUpdatedAt.getTime()}`,
          origin,
        ),
        mediaType: "image/webp",
      })
    : null;
  return { attachments, tags, icon };
}

/** Drains an embedded-or-fetched list, keeping what arrived when a fetch of one entry fails. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch {
    // Linked entries that cannot be fetched are skipped; the profile is still worth having.
  }
  return out;
}

/** Reads the public profile fields a remote server published (Copse, Mastodon, Lemmy, Mobilizon). */
export async function remotePersonDetails(
  actor: Actor,
): Promise<RemotePersonDetails & { jobTitle: string; organisation: string }> {
  const fields = new Map<string, string>();
  for (const attachment of await collect(actor.getAttachments())) {
    if (!(attachment instanceof PropertyValue)) continue;
    const name = attachment.name?.toString().trim().toLowerCase();
    const value = attachment.value?.toString();
    if (name && value) fields.set(name, htmlToText(value).trim());
  }
  const pick = (...names: string[]) => names.map((n) => fields.get(n)).find(Boolean) ?? "";
  const expertise = parseTagList(pick("expertise", "areas of expertise"));
  const interests = parseTagList(pick("interests"));
  // Hashtags on a profile that are not already interests are taken as expertise, which is what
  // Mastodon users usually put there ("featured tags" and bio tags).
  for (const tag of await collect(actor.getTags())) {
    if (!(tag instanceof Hashtag)) continue;
    const name = tag.name?.toString().replace(/^#/, "").replace(/_/g, " ").trim().toLowerCase();
    if (name && !expertise.includes(name) && !interests.includes(name)) expertise.push(name);
  }
  let iconUrl: string | null = null;
  const icon = await actor.getIcon().catch(() => null);
  if (icon) {
    const url = icon.url;
    iconUrl = url instanceof URL ? url.href : (url?.href?.href ?? null);
  }
  const website = pick("website", "web site", "homepage", "site");
  return {
    jobTitle: pick("job title", "role").slice(0, 120),
    organisation: pick("organisation", "organization", "council").slice(0, 160),
    location: pick("location"),
    email: pick("email", "e-mail"),
    phone: pick("phone", "telephone"),
    website: /^https?:\/\//i.test(website) ? website : "",
    iconUrl: iconUrl && /^https?:\/\//i.test(iconUrl) ? iconUrl : null,
    expertise: expertise.slice(0, 30),
    interests: interests.slice(0, 30),
  };
}
