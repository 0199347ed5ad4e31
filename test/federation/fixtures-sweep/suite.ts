import { afterAll, beforeAll, expect, it } from "vitest";
import { configureLogging, resetLogging } from "../../../src/logging.ts";
import { type FakePeer, startFakePeer } from "../../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../../helpers/instances.ts";

// What the sweep's test files share: one Copse instance and one signed fake foreign server per
// file (the activity and object halves run as two files, so two workers take them at once).

/**
 * A test of a known bug is expected to fail (`it.fails`) until the bug is fixed. Run with
 * SWEEP_SHOW_BUGS=1 to run them as plain tests and see how each one fails now.
 */
export function testFor(bug: string | undefined) {
  return bug && !process.env.SWEEP_SHOW_BUGS ? it.fails : it;
}

/** Fails if stored HTML still holds anything the sanitizer must take out. */
export function expectSanitized(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/style\s*=/i);
  expect(html).not.toMatch(/javascript:/i);
}

/** Starts the instance and the peer before the file's tests; read them inside the tests. */
export function sweepServers(name: string): { copse: () => TestInstance; peer: () => FakePeer } {
  let copse: TestInstance;
  let peer: FakePeer;
  beforeAll(async () => {
    // SWEEP_LOG=debug (or info) shows why Copse did what it did with each fixture.
    const level = process.env.SWEEP_LOG as "debug" | "info" | undefined;
    if (level) await configureLogging(level);
    [copse, peer] = await Promise.all([startTestInstance(name), startFakePeer()]);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
    if (process.env.SWEEP_LOG) await resetLogging();
  });
  return { copse: () => copse, peer: () => peer };
}
