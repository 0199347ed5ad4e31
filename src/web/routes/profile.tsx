import { Hono } from "hono";
import { findLocalActor } from "../../domain/actors.ts";
import { listEntries } from "../../domain/blog.ts";
import { findCommunityByActorId } from "../../domain/communities.ts";
import { ValidationError } from "../../domain/errors.ts";
import { isActiveMember, listMembershipsOf } from "../../domain/membership.ts";
import { updateProfile } from "../../domain/profiles.ts";
import { publishProfileUpdate } from "../../federation/profiles.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import { ProfileEditPage, ProfilePage } from "../views/pages/profile.tsx";

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
    return render(
      c,
      <ProfilePage
        ctx={pageContext(c)}
        person={person}
        communities={groups}
        isSelf={viewer?.id === person.id}
        entries={
          listEntries(db, person.id, { viewerId: viewer?.id, pageSize: 3, publishedOnly: true })
            .entries
        }
      />,
    );
  });

  app.use("/profile/*", requireSignIn());

  app.get("/profile/edit", (c) => {
    const me = c.get("account")!.actor;
    const values = {
      name: me.name,
      jobTitle: me.jobTitle,
      organisation: me.organisation,
      bio: me.summary,
    };
    return render(c, <ProfileEditPage ctx={pageContext(c)} values={values} />);
  });

  app.post("/profile/edit", async (c) => {
    const { db } = c.get("deps");
    const me = c.get("account")!.actor;
    const f = await formFields(c);
    const values = {
      name: f.name ?? "",
      jobTitle: f.jobTitle ?? "",
      organisation: f.organisation ?? "",
      bio: f.bio ?? "",
    };
    try {
      const updated = updateProfile(db, me.id, values);
      await publishProfileUpdate(federationContext(c), updated);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <ProfileEditPage ctx={pageContext(c)} values={values} errors={error.errors} />,
          422,
        );
      }
      throw error;
    }
    setFlash(c, "Your profile has been saved.");
    return c.redirect(`/people/${me.handle}`, 303);
  });

  return app;
}
