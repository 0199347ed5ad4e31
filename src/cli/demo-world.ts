import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { type AccountWithActor, createAccount } from "../domain/accounts.ts";
import type { ActorRow } from "../domain/actors.ts";
import { composeEntry } from "../domain/blog.ts";
import { createCommunity } from "../domain/communities.ts";
import { createDocument } from "../domain/documents.ts";
import { blankEventForm, composeEvent, getEventDetails } from "../domain/events/events.ts";
import { storeUpload } from "../domain/files.ts";
import { composeItem, findItemByIri, groupsOfItem, type ItemRow } from "../domain/items.ts";
import { findMembership } from "../domain/membership.ts";
import { addFeed } from "../domain/news/subscribe.ts";
import { blankPollForm } from "../domain/polls/form.ts";
import { composePoll, optionsOf } from "../domain/polls/polls.ts";
import { updateProfile } from "../domain/profiles.ts";
import { fileStoreFor } from "../domain/storage/store.ts";
import { createWikiPage } from "../domain/wiki/wiki.ts";
import type { CopseContext } from "../federation/context.ts";
import { answerEvent } from "../federation/events.ts";
import { resolveActor } from "../federation/lookup.ts";
import { joinCommunity } from "../federation/membership.ts";
import { instanceFeedFetcher } from "../federation/news-fetch.ts";
import { voteInPoll } from "../federation/polls.ts";
import { publishItemChange } from "../federation/publish.ts";
import { publishWikiRevision } from "../federation/wiki.ts";

// The demo's people, communities and posts, made the way people make them: the domain functions
// the web pages call, then the federation functions that deliver to the other instances, so
// every remote copy arrives over HTTP with signatures, as it would between real servers.

/** The password every demo person signs in with (printed by `npm run demo`). */
export const DEMO_PASSWORD = "demo password for copse";

/** One running instance as the seeding sees it. */
export interface DemoInstance {
  key: "council" | "agency" | "riverside";
  config: Config;
  db: Db;
  /** `host:port`, the host part of handles here. */
  host: string;
  ctx(): CopseContext;
}

/** A person the demo made, for the printed sign-in table. */
export interface DemoPerson {
  instance: DemoInstance["key"];
  handle: string;
  email: string;
  name: string;
  admin: boolean;
}

/** What the demo made, for printing and for its test. */
export interface DemoWorld {
  people: DemoPerson[];
  /** A forum topic written on the second council in the first council's community. */
  crossPost: { title: string; iri: string; communityOn: Record<DemoInstance["key"], string> };
}

const PEOPLE = {
  council: [
    { handle: "ada", name: "Ada Okafor", title: "Planning policy lead", admin: true },
    { handle: "ben", name: "Ben Marsh", title: "Conservation officer", admin: false },
  ],
  agency: [
    { handle: "chloe", name: "Chloe Dunn", title: "Housing delivery adviser", admin: true },
    { handle: "dev", name: "Dev Patel", title: "Data analyst", admin: false },
  ],
  riverside: [
    { handle: "erin", name: "Erin Walsh", title: "Climate officer", admin: true },
    { handle: "finn", name: "Finn Hughes", title: "Flood risk engineer", admin: false },
  ],
} as const;

/** Polls until `check` is truthy; the demo waits for deliveries this way (they are queued). */
async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The demo gave up waiting for ${what}`);
}

async function copyOn(instance: DemoInstance, item: ItemRow): Promise<ItemRow> {
  return until(`"${item.title || item.iri}" to reach ${instance.host}`, () =>
    findItemByIri(instance.db, item.iri),
  );
}

/** Makes the people, communities, memberships and posts of the demo across three instances. */
export async function seedDemo(
  instances: Record<DemoInstance["key"], DemoInstance>,
): Promise<DemoWorld> {
  const { council, agency, riverside } = instances;
  const people: DemoPerson[] = [];
  const accounts = {} as Record<string, AccountWithActor>;
  for (const instance of [council, agency, riverside]) {
    const domain = instance.config.instanceName.toLowerCase().replace(/[^a-z]+/g, "-");
    for (const p of PEOPLE[instance.key]) {
      const email = `${p.handle}@${domain.replace(/^-|-$/g, "")}.example`;
      const account = await createAccount(instance.db, instance.config.origin, {
        handle: p.handle,
        email,
        password: DEMO_PASSWORD,
        name: p.name,
        admin: p.admin,
      });
      account.actor = updateProfile(instance.db, account.actor.id, {
        name: p.name,
        jobTitle: p.title,
        organisation: instance.config.instanceName,
        bio: "",
      });
      accounts[p.handle] = account;
      people.push({
        instance: instance.key,
        handle: p.handle,
        email,
        name: p.name,
        admin: p.admin,
      });
    }
  }
  const a = (handle: string) => accounts[handle]!.actor;

  const community = (
    instance: DemoInstance,
    handle: string,
    name: string,
    about: string,
    owner: string,
  ) =>
    createCommunity(instance.db, instance.config.origin, {
      handle,
      name,
      description: about,
      visibility: "public",
      ownerActorId: a(owner).id,
    }).actor;
  const planning = community(
    council,
    "planning",
    "Planning officers network",
    "Local plans, appeals and design codes, shared between councils.",
    "ada",
  );
  const housing = community(
    agency,
    "housing",
    "Housing delivery",
    "The national agency's community for everyone building homes.",
    "chloe",
  );
  const climate = community(
    riverside,
    "climate",
    "Climate action",
    "Councils' climate and flood work, compared and shared.",
    "erin",
  );

  // Each community gets members from the other two instances, joining over federation.
  const joins: [DemoInstance, string, ActorRow][] = [
    [agency, "dev", planning],
    [riverside, "finn", planning],
    [riverside, "erin", planning],
    [council, "ben", housing],
    [riverside, "finn", housing],
    [council, "ada", climate],
    [agency, "dev", climate],
  ];
  const remoteGroup = new Map<string, ActorRow>();
  const homeOf = (group: ActorRow) =>
    [council, agency, riverside].find((i) => i.config.origin === new URL(group.iri).origin)!;
  for (const [instance, handle, group] of joins) {
    const key = `${instance.key}:${group.handle}`;
    const here =
      remoteGroup.get(key) ??
      (await resolveActor(instance.ctx(), `@${group.handle}@${homeOf(group).host}`));
    remoteGroup.set(key, here);
    await joinCommunity(instance.ctx(), a(handle), here);
  }
  for (const [instance, handle, group] of joins) {
    const here = remoteGroup.get(`${instance.key}:${group.handle}`)!;
    await until(
      `@${handle} to join ${group.handle}`,
      () => findMembership(instance.db, here.id, a(handle).id)?.state === "active",
    );
  }
  const on = (instance: DemoInstance, group: ActorRow) =>
    instance.config.origin === new URL(group.iri).origin
      ? group
      : remoteGroup.get(`${instance.key}:${group.handle}`)!;

  /** Someone writes on their own instance, which delivers it to the other two. */
  async function write(
    instance: DemoInstance,
    author: string,
    fields: { group?: ActorRow; replyTo?: ItemRow; title?: string; body: string },
  ): Promise<ItemRow> {
    // A reply answers this instance's copy of the post, once it has arrived.
    const parent = fields.replyTo ? await copyOn(instance, fields.replyTo) : undefined;
    const item = composeItem(instance.db, instance.config.origin, {
      kind: parent ? "reply" : "topic",
      author: a(author),
      groups: parent ? groupsOfItem(instance.db, parent.id) : [on(instance, fields.group!)],
      ...(parent ? { parent } : {}),
      title: fields.title,
      body: fields.body,
    });
    await publishItemChange(instance.ctx(), item, "create");
    return item;
  }

  // Forum: a topic from another instance, with replies from all three.
  const topic = await write(riverside, "finn", {
    group: planning,
    title: "Flood risk in new local plans",
    body: "How are you weighting **surface water** flooding in site allocations? We have a draft method to share.",
  });
  const adaReply = await write(council, "ada", {
    replyTo: topic,
    body: "Please do share it. We use the Environment Agency's maps plus our own records.",
  });
  const devReply = await write(agency, "dev", {
    replyTo: topic,
    body: "The agency has national figures on homes in flood zones; I can add them to the wiki.",
  });
  const otherTopic = await write(council, "ben", {
    group: housing,
    title: "Design codes for small sites",
    body: "Has anyone adopted a design code for sites under ten homes?",
  });

  // Blog: an entry from the agency, shown in its community and read by members elsewhere.
  const entry = composeEntry(agency.db, agency.config.origin, a("chloe"), {
    title: "What the new housing figures mean for you",
    summary: "Three things councils asked us about this month",
    body: "The figures are out. **First**, the baseline changes; second, the buffer; third, the timetable.",
    groupIds: [housing.id],
    status: "published",
  });
  await publishItemChange(agency.ctx(), entry, "create");

  // News: the first council's community follows the agency's blog as a news feed.
  await copyOn(council, entry);
  await addFeed(
    council.db,
    {
      groupId: planning.id,
      url: `${agency.config.origin}/feeds/c/housing/blog.rss`,
      addedById: a("ada").id,
    },
    instanceFeedFetcher(council.config),
    council.config.newsRefreshMinutes,
  );

  // Wiki: a page on the agency's community.
  const wiki = createWikiPage(agency.db, agency.config.origin, {
    author: a("chloe"),
    group: housing,
    title: "Glossary of housing terms",
    body: "**Five-year land supply:** the homes a council can show it will deliver in five years.",
    reason: "First version",
  });
  await publishWikiRevision(agency.ctx(), wiki.page, wiki.revision);

  // Events: a meeting on the second council, answered from the other two instances.
  const event = composeEvent(riverside.db, riverside.config.origin, {
    author: a("erin"),
    groups: [climate],
    form: {
      ...blankEventForm(),
      title: "Climate officers' quarterly meeting",
      body: "Updates from each council, then a workshop on retrofit funding.",
      start: { day: "12", month: "3", year: String(new Date().getFullYear() + 1), time: "10am" },
      end: { day: "", month: "", year: "", time: "12:30pm" },
      timezone: "Europe/London",
      locationName: "Riverside Civic Centre",
      locationAddress: "1 Bridge Street\nRiverside",
      onlineUrl: "https://meet.example.org/climate",
      contact: "erin@riverside.example",
    },
  });
  await publishItemChange(riverside.ctx(), event, "create");
  for (const [instance, handle] of [
    [council, "ada"],
    [agency, "dev"],
  ] as const) {
    const copy = await copyOn(instance, event);
    // The copy's row comes a moment before its date and place.
    await until("the event's details", () => getEventDetails(instance.db, copy.id));
    await answerEvent(instance.ctx(), copy, a(handle), "going");
  }

  // Polls: the first council asks; members on the other two instances vote.
  const poll = composePoll(council.db, council.config.origin, {
    author: a("ada"),
    groups: [planning],
    form: {
      ...blankPollForm(),
      question: "When should the network meet?",
      body: "We will book the most popular slot.",
      options: "Tuesday mornings\nThursday afternoons\nOnline only",
      choice: "one",
      closes: { day: "1", month: "1", year: String(new Date().getFullYear() + 2), time: "9am" },
    },
    timeZone: council.config.timeZone,
  });
  await publishItemChange(council.ctx(), poll, "create");
  for (const [instance, handle, option] of [
    [agency, "dev", 1],
    [riverside, "finn", 0],
    [riverside, "erin", 1],
  ] as const) {
    const copy = await copyOn(instance, poll);
    const options = await until(
      "the poll's options",
      () => optionsOf(instance.db, copy.id)[2] && optionsOf(instance.db, copy.id),
    );
    await voteInPoll(instance.ctx(), copy, a(handle), [options[option]!.id], false);
  }

  // Documents: a spreadsheet in the second council's library.
  const csv = "site,homes,flood_zone\nMill Lane,42,2\nStation Yard,120,1\n";
  const stored = await storeUpload(
    fileStoreFor(riverside.config.files),
    (async function* () {
      yield new TextEncoder().encode(csv);
    })(),
    riverside.config.maxUploadBytes,
  );
  const document = createDocument(riverside.db, riverside.config.origin, {
    author: a("erin"),
    group: climate,
    title: "Sites and flood zones",
    description: "The sites in our draft plan with their flood zones.",
    fileName: "sites-and-flood-zones.csv",
    file: stored,
  });
  await publishItemChange(riverside.ctx(), document.item, "create");

  // Every copy in place before the addresses are printed.
  await copyOn(agency, adaReply);
  await copyOn(riverside, devReply);
  await copyOn(agency, otherTopic);
  await copyOn(riverside, otherTopic);
  await copyOn(council, wiki.page);
  await copyOn(council, document.item);

  const pagePath = (instance: DemoInstance) =>
    instance === council
      ? "/c/planning/forum"
      : `/c/${encodeURIComponent(`planning@${council.host}`)}/forum`;
  return {
    people,
    crossPost: {
      title: topic.title,
      iri: topic.iri,
      communityOn: {
        council: pagePath(council),
        agency: pagePath(agency),
        riverside: pagePath(riverside),
      },
    },
  };
}
