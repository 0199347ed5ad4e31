import "../temporal.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../config.ts";
import { type RunningInstance, startInstance } from "../instance.ts";
import { configureLogging } from "../logging.ts";
import { DEMO_PASSWORD, type DemoInstance, seedDemo } from "./demo-world.ts";

// `npm run demo`: three Copse instances on loopback (a council, the national agency and a
// second council) in this one process, each with its own temporary data directory and port,
// seeded with people, communities and posts that federate between them. Ctrl-C stops them
// and removes the directories. `--port N` picks the first port (default 3100; 0 for any free
// ports), `--keep` leaves the data directories, `--log-level info` shows the instances' logs.

const INSTANCES = [
  { key: "council", name: "Oakshire Council" },
  { key: "agency", name: "National Housing Agency" },
  { key: "riverside", name: "Riverside Council" },
] as const;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Whether this machine answers on an address (127.0.0.2 is loopback on Linux, not on macOS). */
function canListen(host: string, port = 0): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, host, () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

const basePort = Number(argument("--port") ?? 3100);
if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65533) {
  console.error("--port must be a port number from 0 to 65533, e.g. --port 3100");
  process.exit(2);
}
const keep = process.argv.includes("--keep");
// Browsers keep cookies per host, not per port, so three instances on one address would sign
// each other out. Each gets its own loopback address where the system has them.
const separateHosts = (await canListen("127.0.0.2")) !== undefined;
// Quiet by default: the demo prints what a newcomer needs. `--log-level info` shows the
// federation traffic between the three.
const logLevel = (argument("--log-level") ?? "fatal") as Config["logLevel"];
if (!["trace", "debug", "info", "warning", "error", "fatal"].includes(logLevel)) {
  console.error("--log-level must be trace, debug, info, warning, error or fatal");
  process.exit(2);
}
await configureLogging(logLevel);

const stylesheetCacheDir = join(tmpdir(), "copse-demo-stylesheet");
const running: { instance: RunningInstance; dataDir: string }[] = [];
const demo = {} as Record<DemoInstance["key"], DemoInstance>;

async function stop(code: number): Promise<never> {
  for (const { instance, dataDir } of running.reverse()) {
    await instance.close({ graceMs: 1000 });
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(0));

try {
  for (const [index, { key, name }] of INSTANCES.entries()) {
    const host = separateHosts ? `127.0.0.${index + 1}` : "127.0.0.1";
    const port = basePort === 0 ? await canListen(host) : basePort + index;
    const dataDir = mkdtempSync(join(tmpdir(), `copse-demo-${key}-`));
    const config = loadConfig({
      PORT: String(port),
      HOST: host,
      COPSE_ORIGIN: `http://${host}:${port}`,
      COPSE_DATA_DIR: dataDir,
      COPSE_INSTANCE_NAME: name,
      // Loopback is a private address; the demo's instances must reach each other on it.
      COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      COPSE_LOG_LEVEL: logLevel,
    });
    const instance = await startInstance(config, { stylesheetCacheDir });
    running.push({ instance, dataDir });
    demo[key] = {
      key,
      config,
      db: instance.db,
      host: `${host}:${port}`,
      ctx: () =>
        instance.federation.createContext(new URL(config.origin), { db: instance.db, config }),
    };
  }
  console.log("Seeding the demo: people, communities, and posts federating between instances...");
  const world = await seedDemo(demo);

  const lines = ["", "Copse demo: three instances federating on this machine.", ""];
  for (const { key, name } of INSTANCES) {
    lines.push(`  ${name.padEnd(24)} ${demo[key].config.origin}/`);
  }
  lines.push("", `Sign in with any of these (password: ${DEMO_PASSWORD}):`, "");
  const width = Math.max(...world.people.map((p) => p.email.length));
  for (const person of world.people) {
    const who = `${person.name}${person.admin ? " (administrator)" : ""}`;
    lines.push(
      `  ${person.email.padEnd(width)}  ${who.padEnd(28)} ${demo[person.instance].config.origin}/signin`,
    );
  }
  lines.push(
    "",
    `Try: "${world.crossPost.title}" was written on Riverside Council in Oakshire Council's`,
    "community; it shows on all three:",
  );
  for (const { key } of INSTANCES) {
    lines.push(`  ${demo[key].config.origin}${world.crossPost.communityOn[key]}`);
  }
  if (!separateHosts) {
    lines.push(
      "",
      "All three share the address 127.0.0.1, and browsers share cookies between ports: use a",
      "separate private window for each instance you sign in to.",
    );
  }
  lines.push("", `Press Ctrl-C to stop${keep ? "" : " (the demo's data is then deleted)"}.`);
  console.log(lines.join("\n"));
  // One machine-readable line, for the demo's test and for scripts.
  console.log(
    `COPSE_DEMO_READY ${JSON.stringify({
      origins: Object.fromEntries(INSTANCES.map(({ key }) => [key, demo[key].config.origin])),
      password: DEMO_PASSWORD,
      people: world.people,
      crossPost: world.crossPost,
    })}`,
  );
} catch (error) {
  console.error("The demo could not start:", error);
  await stop(1);
}
