import { jsx } from "hono/jsx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { setPhotoUpdated } from "../../src/domain/person-details.ts";
import { renderHtml } from "../../src/web/render.ts";
import { WebClient } from "../helpers/client.ts";
import { eventually, type TestInstance } from "../helpers/instances.ts";
import { type LiveInstance, startLiveInstance } from "../helpers/live-instance.ts";

// Faces on "What's happening now": the people in its entries carry their ids, so each finds
// their photo (or initials) through the one avatar path, on the page and in the entries the
// live stream sends, which are rendered as the page is, remote pictures going through the
// image proxy.

describe("faces and pictures on the live page", () => {
  let live: LiveInstance;
  let copse: TestInstance;
  let garden: ActorRow;
  let alice: ActorRow;
  const photoVersion = Date.UTC(2026, 5, 1);

  beforeAll(async () => {
    live = await startLiveInstance("Facewood");
    ({ copse, garden, alice } = live);
    setPhotoUpdated(copse.db, alice.id, new Date(photoVersion));
  });

  afterAll(async () => {
    await live?.close();
  });

  it("shows a face beside each person, streamed exactly as the page shows it", async () => {
    const stream = await live.open();
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice,
      groups: [garden],
      title: "Bulb order",
      body: "Tulips or daffodils?",
    });
    await eventually(() => stream.titles().includes("Bulb order"));
    const sent = stream.events().find((e) => e.data.includes("Bulb order"))!.data;
    expect(sent).toContain(
      `<img class="copse-avatar" src="/media/people/alice/48.webp?v=${photoVersion}" alt=""`,
    );

    // Carol has no photo: her initials stand beside her name when she joins.
    const carol = copse.db.$client
      .prepare("SELECT id FROM actors WHERE handle = 'carol' AND is_local = 1")
      .get() as { id: number };
    requestMembership(copse.db, { groupId: garden.id, memberId: carol.id });
    await eventually(() => stream.events().some((e) => e.data.includes("New member")));
    const joined = stream.events().find((e) => e.data.includes("New member"))!.data;
    expect(joined).toMatch(
      /<span class="copse-avatar copse-avatar--initials[^"]*" data-initials="CC"/,
    );

    // What the stream sent is what a refresh shows.
    const page = (await new WebClient(copse.origin).get("/live")).body;
    const id = `live-item-${topic.id}`;
    const onPage = new RegExp(`<li id="${id}">[\\s\\S]*?</li>`).exec(page)?.[0];
    expect(onPage).toBe(sent);
    expect(page).toMatch(/data-initials="CC"/);
  });

  it("sends a picture from another server through the image proxy, as pages do", async () => {
    const html = await renderHtml(
      copse.db,
      copse.origin,
      jsx("li", {}, jsx("img", { src: "https://far.example/p.png", alt: "A far picture" })),
    );
    expect(html).toMatch(
      /<img src="\/media\/proxy\/[^"?]+\?u=https%3A%2F%2Ffar\.example%2Fp\.png" alt="A far picture"\/>/,
    );
    expect(html).not.toContain('src="https://far.example');
  });
});
