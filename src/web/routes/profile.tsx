import { Hono } from "hono";
import type { Db } from "../../db/client.ts";
import { type ActorRow, findLocalActor } from "../../domain/actors.ts";
import { listEntries } from "../../domain/blog.ts";
import { findCommunityByActorId } from "../../domain/communities.ts";
import { canSeeContactField, findContact } from "../../domain/contacts.ts";
import { recentContributions } from "../../domain/contributions.ts";
import type { FieldError } from "../../domain/errors.ts";
import { ValidationError } from "../../domain/errors.ts";
import { isActiveMember, listMembershipsOf } from "../../domain/membership.ts";
import {
  getPersonProfile,
  listPersonTags,
  type PersonProfileRow,
  setPhotoUpdated,
  updatePersonDetails,
} from "../../domain/person-details.ts";
import { type PreparedPhoto, preparePhoto, writePhoto } from "../../domain/photos.ts";
import { updateProfile } from "../../domain/profiles.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { publishProfileUpdate } from "../../federation/profiles.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import { type ContactDetail, ProfilePage } from "../views/pages/profile.tsx";
import { ProfileEditPage, type ProfileFormValues } from "../views/pages/profile-edit.tsx";
import { photoUrl } from "./people-media.ts";

const log = logger("web", "profile");

/** Thrown inside the save transaction to undo it when any field was refused. */
class RolledBack extends Error {
  constructor(readonly errorsBefore: number) {
    super("Profile not saved");
  }
}

/** The form's values for a person as stored. */
function storedValues(db: Db, me: ActorRow): ProfileFormValues {
  const p = getPersonProfile(db, me.id);
  return {
    name: me.name,
    jobTitle: me.jobTitle,
    organisation: me.organisation,
    location: p.location,
    bio: me.summary,
    email: p.email,
    emailVisibility: p.emailVisibility,
    phone: p.phone,
    phoneVisibility: p.phoneVisibility,
    website: p.website,
    websiteVisibility: p.websiteVisibility,
    expertise: listPersonTags(db, me.id, "expertise").join(", "),
    interests: listPersonTags(db, me.id, "interest").join(", "),
    serviceAreas: p.serviceAreas ? p.serviceAreas.split(",") : [],
    approveContacts: p.approveContacts,
  };
}

/** The contact details of `profile` the viewer may see, in display order. */
function visibleContactDetails(
  db: Db,
  viewerId: number | null,
  profile: PersonProfileRow,
): ContactDetail[] {
  const fields = [
    ["Email", "email", profile.email, profile.emailVisibility],
    ["Phone", "phone", profile.phone, profile.phoneVisibility],
    ["Website", "website", profile.website, profile.websiteVisibility],
  ] as const;
  return fields
    .filter(
      ([, , value, visibility]) =>
        value && canSeeContactField(db, viewerId, profile.actorId, visibility),
    )
    .map(([label, kind, value]) => ({ label, kind, value }));
}

/** People's profile pages and editing one's own profile. */
export function profileRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/people/:handle", (c) => {
    const { db } = c.get("deps");
    const person = findLocalActor(db, c.req.param("handle").toLowerCase());
    if (person?.type !== "Person") {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no one with that handle here." />,
        404,
      );
    }
    if (person.deletedAt) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="This person has deleted their account." />,
        410,
      );
    }
    const viewer = c.get("account")?.actor;
    // A private community shows up on a profile only to people who are in it too.
    const groups = listMembershipsOf(db, person.id)
      .filter(({ membership }) => membership.state === "active")
      .map(({ group }) => group)
      .filter((group) => {
        const community = findCommunityByActorId(db, group.id);
        if (!community) return !group.manuallyApprovesFollowers;
        return (
          community.visibility === "public" ||
          (viewer !== undefined && isActiveMember(db, group.id, viewer.id))
        );
      });
    const profile = getPersonProfile(db, person.id);
    return render(
      c,
      <ProfilePage
        ctx={pageContext(c)}
        person={person}
        profile={profile}
        contactDetails={visibleContactDetails(db, viewer?.id ?? null, profile)}
        expertise={listPersonTags(db, person.id, "expertise")}
        interests={listPersonTags(db, person.id, "interest")}
        contributions={recentContributions(db, person.id, viewer?.id ?? null)}
        communities={groups}
        isSelf={viewer?.id === person.id}
        contactState={
          viewer && viewer.id !== person.id
            ? (findContact(db, viewer.id, person.id)?.state ?? "none")
            : null
        }
        entries={
          listEntries(db, person.id, { viewerId: viewer?.id, pageSize: 3, publishedOnly: true })
            .entries
        }
      />,
    );
  });

  app.use("/profile/*", requireSignIn());

  app.get("/profile/edit", (c) => {
    const { db } = c.get("deps");
    const me = c.get("account")!.actor;
    const photo = photoUrl(me, getPersonProfile(db, me.id), 128);
    return render(
      c,
      <ProfileEditPage ctx={pageContext(c)} values={storedValues(db, me)} photoUrl={photo} />,
    );
  });

  app.post("/profile/edit", async (c) => {
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const body = await c.req.parseBody({ all: true });
    const one = (key: string): string => {
      const v = body[key];
      const first = Array.isArray(v) ? v[0] : v;
      return typeof first === "string" ? first : "";
    };
    const serviceAreas = ([] as unknown[])
      .concat(body.serviceAreas ?? [])
      .filter((v): v is string => typeof v === "string");
    const values: ProfileFormValues = {
      name: one("name"),
      jobTitle: one("jobTitle"),
      organisation: one("organisation"),
      location: one("location"),
      bio: one("bio"),
      email: one("email"),
      emailVisibility: one("emailVisibility") || "contacts",
      phone: one("phone"),
      phoneVisibility: one("phoneVisibility") || "contacts",
      website: one("website"),
      websiteVisibility: one("websiteVisibility") || "public",
      expertise: one("expertise"),
      interests: one("interests"),
      serviceAreas,
      approveContacts: one("approveContacts") === "yes",
    };
    const photoField = Array.isArray(body.photo) ? body.photo[0] : body.photo;
    const photo = photoField instanceof File && photoField.size > 0 ? photoField : null;
    const errors: FieldError[] = [];
    const collect = (error: unknown) => {
      if (error instanceof ValidationError) errors.push(...error.errors);
      else throw error;
    };
    // Every field and the photo are checked before anything is saved, so a bad photo does not
    // half-save the form and a bad field does not keep a photo the person may not want now.
    let prepared: PreparedPhoto | null = null;
    if (photo) {
      try {
        prepared = await preparePhoto(new Uint8Array(await photo.arrayBuffer()));
      } catch (error) {
        collect(error);
      }
    }
    try {
      db.transaction((tx) => {
        const before = errors.length;
        try {
          updateProfile(tx as unknown as Db, me.id, values);
        } catch (error) {
          collect(error);
        }
        try {
          updatePersonDetails(tx as unknown as Db, me.id, values);
        } catch (error) {
          collect(error);
        }
        if (errors.length > 0) throw new RolledBack(before);
      });
    } catch (error) {
      if (!(error instanceof RolledBack)) throw error;
    }
    if (errors.length === 0 && prepared) {
      await writePhoto(fileStoreFor(config.files), me.handle, prepared);
      setPhotoUpdated(db, me.id, new Date());
      log.info("{person} uploaded a new photo", { person: me.handle });
    }
    if (errors.length > 0) {
      const current = photoUrl(me, getPersonProfile(db, me.id), 128);
      return render(
        c,
        <ProfileEditPage ctx={pageContext(c)} values={values} photoUrl={current} errors={errors} />,
        422,
      );
    }
    const updated = findLocalActor(db, me.handle)!;
    await publishProfileUpdate(federationContext(c), updated);
    setFlash(c, "Your profile has been saved.");
    return c.redirect(`/people/${me.handle}`, 303);
  });

  return app;
}
