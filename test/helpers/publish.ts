import { findLocalActor } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, type ItemRow } from "../../src/domain/items.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import type { TestInstance } from "./instances.ts";

/** A local person (alice by default) starts a topic in a community and it is federated. */
export async function publishTopic(
  copse: TestInstance,
  community: Community,
  title: string,
  author = "alice",
): Promise<ItemRow> {
  const topic = composeItem(copse.db, copse.origin, {
    kind: "topic",
    author: findLocalActor(copse.db, author)!,
    groups: [community.actor],
    title,
    body: "Which roads first?",
  });
  await publishItemChange(copse.ctx(), topic, "create");
  return topic;
}
