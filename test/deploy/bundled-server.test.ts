import "../helpers/temporal.ts";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { type Community, createCommunity } from "../../src/domain/communities.ts";
import { openInstanceDatabase } from "../../src/instance.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { freePort } from "../helpers/free-port.ts";
import { eventually } from "../helpers/instances.ts";

// The server as `npm start` runs it: build/main.js, with Fedify, its JSON-LD processor and
// vocabulary, OpenTelemetry and the rest bundled by esbuild (scripts/build.mjs), not loaded
// from node_modules. It must serve a page, and take a signed Follow from another server on a
// community's inbox (verifying the signature with a key it fetches) and answer it with a
// signed Accept, which exercises the bundled federation code end to end.

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("the bundled server (build/main.js)", { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-bundled-"));
  let child: ChildProcess | undefined;
  let peer: FakePeer;
  let origin: string;
  let garden: Community;
  let output = "";

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      COPSE_ORIGIN: origin,
      COPSE_DATA_DIR: dataDir,
      COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      COPSE_LOG_LEVEL: "warning",
    };
    const config = loadConfig(env);
    const db = openInstanceDatabase(config);
    const alice = await createAccount(db, config.origin, {
      handle: "alice",
      email: "alice@example.org",
      password: "a long enough secret",
    });
    garden = createCommunity(db, config.origin, {
      handle: "garden",
      name: "Garden",
      description: "The garden community.",
      visibility: "public",
      ownerActorId: alice.actor.id,
    });
    db.$client.close();
    peer = await startFakePeer();

    const { PATH, HOME } = process.env;
    child = spawn(process.execPath, ["--enable-source-maps", "build/main.js"], {
      cwd: projectRoot,
      env: { PATH, HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server = child;
    for (const stream of [server.stdout!, server.stderr!]) {
      stream.on("data", (chunk) => {
        output += chunk;
      });
    }
    await eventually(() => {
      if (server.exitCode !== null) throw new Error(`The server exited:\n${output}`);
      return output.includes("is running");
    }, 120_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    await peer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves a community's page", async () => {
    const response = await fetch(`${origin}/c/garden`);
    expect(response.status, output).toBe(200);
    const html = await response.text();
    expect(html).toContain("Garden");
    expect(html).toContain("The garden community.");
  });

  it("accepts a signed Follow on a community's inbox and answers with a signed Accept", async () => {
    const mona = await peer.addActor({
      path: "/users/mona",
      type: "Person",
      preferredUsername: "mona",
    });
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.actor.iri,
    };
    const delivered = await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path });
    expect(delivered.status, output).toBe(202);
    const accept = await eventually(() => peer.activities("Accept")[0]);
    expect(accept.signer).toBe(`${garden.actor.iri}#main-key`);
    expect(accept.body.actor).toBe(garden.actor.iri);
    expect(accept.body.object.id ?? accept.body.object).toBe(follow.id);
  });

  it("keeps its compiled code under the data directory for the next start", async () => {
    const cache = join(dataDir, "cache", "compile");
    // Written a moment after the start, or when the process exits.
    const builds = await eventually(() => {
      const names = existsSync(cache) ? readdirSync(cache) : [];
      return names.length > 0 ? names : undefined;
    });
    // One directory, named by this build; it holds what V8 compiled (by Node version).
    expect(builds).toHaveLength(1);
    expect(readdirSync(join(cache, builds[0]!)).length).toBeGreaterThan(0);
  });
});
