import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationsFigures, readiness } from "../../src/domain/operations.ts";
import { freshDb } from "../helpers/db.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

/** Parses Prometheus text into samples, failing on any line that is not valid exposition. */
function parseExposition(text: string) {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const types = new Map<string, string>();
  for (const line of text.trimEnd().split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (!sample) throw new Error(`Not a Prometheus line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (sample[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k!] = v!;
    }
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

describe("health and metrics endpoints", { timeout: 60_000 }, () => {
  let withToken: TestInstance;
  let without: TestInstance;
  beforeAll(async () => {
    withToken = await startTestInstance("Watched", { COPSE_METRICS_TOKEN: TOKEN });
    without = await startTestInstance("Unwatched");
  });
  afterAll(async () => {
    await withToken?.close();
    await without?.close();
  });

  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${withToken.origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${withToken.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe("ready");
  });

  it("hides /metrics without a token setting and refuses a wrong token", async () => {
    expect((await fetch(`${without.origin}/metrics`)).status).toBe(404);
    expect(
      (await fetch(`${without.origin}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(404);
    expect((await fetch(`${withToken.origin}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${withToken.origin}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
  });

  it("serves requests by route and status, latency, queue, mail and feed figures as Prometheus text", async () => {
    await fetch(`${withToken.origin}/readyz`);
    await fetch(`${withToken.origin}/no/such/page/${Math.random()}`);
    const response = await fetch(`${withToken.origin}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(await response.text());
    expect(types.get("copse_http_requests_total")).toBe("counter");
    expect(types.get("copse_http_request_duration_seconds")).toBe("histogram");
    const readyCount = samples.find(
      (s) =>
        s.name === "copse_http_requests_total" &&
        s.labels.route === "/readyz" &&
        s.labels.status === "200",
    );
    expect(readyCount?.value).toBeGreaterThanOrEqual(2);
    // Unknown addresses share one label, so nobody can add series at will.
    expect(samples.some((s) => s.labels.route?.startsWith("/no/such"))).toBe(false);
    const buckets = samples
      .filter(
        (s) =>
          s.name === "copse_http_request_duration_seconds_bucket" && s.labels.route === "/readyz",
      )
      .map((s) => s.value);
    expect(buckets.length).toBeGreaterThan(2);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets); // cumulative
    for (const name of [
      "copse_queue_depth",
      "copse_queue_oldest_age_seconds",
      "copse_news_feeds_failing",
      "copse_news_feeds_flagged",
    ]) {
      expect(samples.find((s) => s.name === name)?.value, name).toBeGreaterThanOrEqual(0);
    }
    expect(
      samples.filter((s) => s.name === "copse_mail_outbox").map((s) => s.labels.state),
    ).toEqual(expect.arrayContaining(["queued", "sent", "failed"]));
  });
});

// Both read the SQLite queue's own table. On PostgreSQL that table belongs to the queue backend
// (src/federation/postgres), made on its first use and counted by its own figures(), so a bare
// database has none to read or fill here.
describe.skipIf(TEST_DATABASE === "postgres")("readiness and the operations figures", () => {
  it("is not ready when the queue table cannot be read", () => {
    const db = freshDb();
    expect(readiness(db)).toEqual({ ready: true });
    db.$client.exec("DROP TABLE fedify_queue");
    const state = readiness(db);
    expect(state.ready).toBe(false);
    expect(state.ready === false && state.problem).toMatch(/fedify_queue/);
  });

  it("counts queued messages and the age of the oldest", () => {
    const db = freshDb();
    const now = 1_000_000_000;
    db.$client
      .prepare(
        "INSERT INTO fedify_queue (message, available_at, attempts, created_at) VALUES ('{}', ?, 0, ?)",
      )
      .run(now, now - 90_000);
    const figures = operationsFigures(db, now);
    expect(figures.queueDepth).toBe(1);
    expect(figures.queueOldestSeconds).toBe(90);
  });
});
