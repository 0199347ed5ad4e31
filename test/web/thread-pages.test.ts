import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { saveRemotePersonDetails, setPhotoUpdated } from "../../src/domain/person-details.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// A long forum thread is read a page of 50 replies at a time, oldest first; links to a reply
// open the page that holds it; the reply box is on the last page. Every post shows its
// author's photo or initials, and remote people's pictures are never loaded from their server.

const REMOTE_ICON = "https://far.example/media/mo-avatar.png";

describe("paged threads with faces", () => {
  let copse: TestInstance;
  let bob: WebClient;
  let topicPath: string;
  let topic: ItemRow;
  const replies: ItemRow[] = [];
  let photoVersion: number;
  const anonymous = () => new WebClient(copse.origin);
  /** Expects a page to have (or not) some text, naming the text rather than printing the page. */
  const expectIn = (body: string, text: string | RegExp, present = true) =>
    expect(typeof text === "string" ? body.includes(text) : text.test(body), String(text)).toBe(
      present,
    );
  const posts = (body: string) => body.match(/<li class="copse-post" id="item-\d+"/g) ?? [];

  beforeAll(async () => {
    copse = await startTestInstance("Threads");
    const alice = await copse.createUser("alice", { name: "Alice Archer" });
    const bobAccount = await copse.createUser("bob", { name: "Bob Brook" });
    const garden = copse.createCommunity("garden", alice, "public").actor;
    requestMembership(copse.db, { groupId: garden.id, memberId: bobAccount.actor.id });
    const mo = upsertRemoteActor(copse.db, {
      iri: "https://far.example/users/mo",
      type: "Person",
      handle: "mo",
      host: "far.example",
      name: "Mo Farah-Lee",
      summary: "",
      url: "https://far.example/@mo",
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    saveRemotePersonDetails(copse.db, mo.id, {
      location: "",
      email: "",
      phone: "",
      website: "",
      iconUrl: REMOTE_ICON,
      expertise: [],
      interests: [],
    });
    // Alice has a photo; Bob has none, so his initials show.
    photoVersion = Date.UTC(2026, 5, 1);
    setPhotoUpdated(copse.db, alice.actor.id, new Date(photoVersion));
    let n = 0;
    const post = (authorId: number, parent: ItemRow | null, minute: number) =>
      insertItem(copse.db, {
        kind: parent ? "reply" : "topic",
        iri: `${copse.origin}/ap/test-items/${++n}`,
        authorId,
        groupIds: [garden.id],
        parentId: parent?.id ?? null,
        title: parent ? "" : "Gritting routes",
        bodyHtml: `<p>Post number ${n}</p>`,
        visibility: "public",
        isLocal: true,
        publishedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
      });
    topic = post(alice.actor.id, null, 0);
    // 119 replies by Bob and Mo, then Alice answering Bob's 11th reply: 120, three pages.
    for (let i = 1; i <= 119; i++) {
      replies.push(post(i % 2 === 0 ? mo.id : bobAccount.actor.id, topic, i));
    }
    replies.push(post(alice.actor.id, replies[10]!, 200));
    topicPath = `/c/garden/forum/${topic.id}`;
    bob = new WebClient(copse.origin);
    const signIn = await bob.post("/signin", { login: "bob", password: TEST_PASSWORD });
    expect(signIn.response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("shows the topic and the first 50 replies, with page links and no reply box", async () => {
    const { response, body } = await bob.get(topicPath);
    expect(response.status).toBe(200);
    expect(posts(body)).toHaveLength(51);
    expectIn(body, `id="item-${topic.id}"`);
    expectIn(body, `id="item-${replies[49]!.id}"`);
    expectIn(body, `id="item-${replies[50]!.id}"`, false);
    expectIn(body, "<title>Gritting routes (page 1 of 3)");
    expectIn(body, 'aria-label="Pages of replies"');
    expectIn(body, `href="${topicPath}?page=2" rel="next"`);
    expectIn(body, `href="${topicPath}?page=3"`);
    // The reply box is on the last page, a link away.
    expectIn(body, 'id="reply-box-heading"', false);
    expectIn(body, `href="${topicPath}?page=3#reply"`);
  });

  it("shows later pages without the topic, and the reply box on the last", async () => {
    const second = await bob.get(`${topicPath}?page=2`);
    expect(posts(second.body)).toHaveLength(50);
    expectIn(second.body, `id="item-${topic.id}"`, false);
    expectIn(second.body, `id="item-${replies[50]!.id}"`);
    expectIn(second.body, `href="${topicPath}" rel="prev"`);
    const third = await bob.get(`${topicPath}?page=3`);
    expect(posts(third.body)).toHaveLength(20);
    expectIn(third.body, 'id="reply-box-heading"');
    expectIn(third.body, 'aria-current="page"');
  });

  it("says what a reply answers when that post is on an earlier page, with a link to it", async () => {
    const { body } = await bob.get(`${topicPath}?page=3`);
    const answer = body.slice(body.indexOf(`id="item-${replies[119]!.id}"`));
    expect(answer).toContain(
      `href="${topicPath}?reply=${replies[10]!.id}#item-${replies[10]!.id}">In reply to a post by Bob Brook`,
    );
  });

  it("opens a link to a reply at the page that holds it", async () => {
    const target = replies[75]!;
    const { body } = await bob.get(`${topicPath}?reply=${target.id}`);
    expectIn(body, "(page 2 of 3)");
    expectIn(body, `id="item-${target.id}"`);
    // A page asked for by number wins over the reply; nonsense pages show the first or last.
    expect((await bob.get(`${topicPath}?page=1&reply=${target.id}`)).body).toContain(
      "(page 1 of 3)",
    );
    expect((await bob.get(`${topicPath}?page=abc`)).body).toContain("(page 1 of 3)");
    expect((await bob.get(`${topicPath}?page=999`)).body).toContain("(page 3 of 3)");
  });

  it("sends a new reply's author to it on the last page", async () => {
    const { response } = await bob.post(`${topicPath}/reply`, {
      body: "Adding one more",
      parent: String(topic.id),
    });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    const id = Number(location.split("#item-")[1]);
    expect(location).toBe(`${topicPath}?reply=${id}#item-${id}`);
    const { body } = await bob.get(location.split("#")[0]!);
    expectIn(body, "(page 3 of 3)");
    expectIn(body, `id="item-${id}"`);
    expectIn(body, 'id="reply-box-heading"');
  });

  it("shows a local photo, initials otherwise, and never loads a remote person's picture", async () => {
    const { body } = await anonymous().get(topicPath);
    // Alice's photo: the small size, with its size set, lazy, and no text repeating her name.
    expectIn(
      body,
      `<img class="copse-avatar" src="/media/people/alice/48.webp?v=${photoVersion}" alt="" width="32" height="32" loading="lazy"`,
    );
    // Bob's and Mo's initials, hidden from screen readers because the name is beside them.
    expectIn(
      body,
      /<span class="copse-avatar copse-avatar--initials copse-avatar--tone-\d+" data-initials="BB" aria-hidden="true"><\/span>/,
    );
    expectIn(body, /data-initials="MF" aria-hidden="true"/);
    expectIn(body, "far.example/media", false);
    // Names lead to our page for the person, here or elsewhere.
    expectIn(body, 'href="/people/bob">Bob Brook</a>');
    expectIn(body, 'href="/people/mo%40far.example">Mo Farah-Lee (far.example)</a>');
    const mo = await anonymous().get("/people/mo@far.example");
    expect(mo.response.status).toBe(200);
    expectIn(mo.body, "copse-avatar--large");
    expectIn(mo.body, REMOTE_ICON, false);
  });

  it("puts faces in the topic list, the members list and the people finder", async () => {
    const forum = await anonymous().get("/c/garden/forum");
    expectIn(forum.body, `src="/media/people/alice/48.webp?v=${photoVersion}"`);
    const members = await anonymous().get("/c/garden/people");
    expectIn(members.body, /data-initials="BB" aria-hidden="true"/);
    expectIn(members.body, `src="/media/people/alice/48.webp?v=${photoVersion}"`);
    const people = await anonymous().get("/people?q=brook");
    expectIn(people.body, /data-initials="BB" aria-hidden="true"/);
  });
});
