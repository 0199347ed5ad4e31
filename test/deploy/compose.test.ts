// There is no Docker engine in CI, so these tests read deno-free-compose.yml, deploy/Caddyfile
// and the Dockerfile as text and check that they agree with each other and with src/config.ts.
// They catch the mistakes that would only show up on someone else's machine: a renamed
// environment variable, a missing volume, a proxy that does not answer for an instance's origin.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const composePath = join(root, "deno-free-compose.yml");

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  ports?: (string | number | { target: number; published?: string | number })[];
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

// Compose resolves YAML merge keys (`<<: *anchor`), so the test must too, or it would check
// the fragments rather than what Docker actually runs.
const compose = parse(readFileSync(composePath, "utf8"), { merge: true }) as Compose;
const services = compose.services;
const instanceNames = ["somerset", "sunderland"] as const;

// Variables Node itself reads rather than Copse; anything else set on an instance must be read
// by src/config.ts, or it is a typo or a setting that no longer exists.
const NODE_RUNTIME_VARIABLES = new Set(["NODE_EXTRA_CA_CERTS", "NODE_ENV", "NODE_OPTIONS"]);

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`deno-free-compose.yml has no service "${name}"`);
  return found;
}

function environment(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf("=");
        return at === -1 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? "" : String(v)]));
}

interface Mount {
  source: string | undefined;
  target: string;
  readOnly: boolean;
}

function mounts(s: Service): Mount[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v !== "string") {
      return { source: v.source, target: v.target, readOnly: v.read_only === true };
    }
    const parts = v.split(":");
    if (parts.length === 1) return { source: undefined, target: parts[0]!, readOnly: false };
    return {
      source: parts[0],
      target: parts[1]!,
      readOnly: parts[2]?.split(",").includes("ro") === true,
    };
  });
}

function publishedPorts(s: Service): number[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === "number") return p;
    if (typeof p === "object") return Number(p.published ?? p.target);
    // "HOST:CONTAINER", "IP:HOST:CONTAINER" or "CONTAINER"; the host port is second from last.
    const parts = p.split("/")[0]!.split(":");
    return Number(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
  });
}

function networkNames(s: Service): string[] {
  if (!s.networks) return ["default"];
  return Array.isArray(s.networks) ? s.networks : Object.keys(s.networks);
}

function aliases(s: Service, network: string): string[] {
  if (!s.networks || Array.isArray(s.networks)) return [];
  return s.networks[network]?.aliases ?? [];
}

function buildOf(s: Service): { context: string; dockerfile: string } | undefined {
  if (s.build === undefined) return undefined;
  if (typeof s.build === "string") return { context: s.build, dockerfile: "Dockerfile" };
  return { context: s.build.context ?? ".", dockerfile: s.build.dockerfile ?? "Dockerfile" };
}

function asText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(" ") : (value ?? "");
}

/** Joins backslash-continued lines and drops comments, so each Dockerfile instruction is one line. */
function dockerfileInstructions(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

describe("deno-free-compose.yml", () => {
  it("defines both instances, the proxy and the mail catcher", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(["somerset", "sunderland", "proxy", "mail"]),
    );
  });

  it("builds both instances from the repository's Dockerfile", () => {
    for (const name of instanceNames) {
      const build = buildOf(service(name));
      expect(build, `${name} should have a build section`).toBeDefined();
      expect(resolve(root, build!.context)).toBe(root);
      expect(existsSync(join(root, build!.context, build!.dockerfile))).toBe(true);
      expect(build!.dockerfile).toBe("Dockerfile");
    }
  });

  it("gives the instances distinct https origins and names", () => {
    const origins = instanceNames.map((n) => environment(service(n)).COPSE_ORIGIN);
    const names = instanceNames.map((n) => environment(service(n)).COPSE_INSTANCE_NAME);
    expect(origins).toEqual(["https://somerset.localhost", "https://sunderland.localhost"]);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toBeTruthy();
  });

  it("keeps each instance's data and uploads on a declared named volume of its own", () => {
    // Sunderland's database and files are under /data; Somerset's database is on PostgreSQL
    // and its files under COPSE_FILES_DIR.
    const where = {
      sunderland: "/data",
      somerset: environment(service("somerset")).COPSE_FILES_DIR,
    };
    const sources = instanceNames.map((name) => {
      expect(where[name], name).toBeDefined();
      const data = mounts(service(name)).find((m) => m.target === where[name]);
      expect(data, `${name} should mount a volume at ${where[name]}`).toBeDefined();
      expect(data!.readOnly).toBe(false);
      expect(Object.keys(compose.volumes ?? {})).toContain(data!.source);
      return data!.source;
    });
    expect(new Set(sources).size).toBe(instanceNames.length);
  });

  it("publishes HTTPS on the proxy and the mail UI on 8025", () => {
    expect(publishedPorts(service("proxy"))).toContain(443);
    expect(publishedPorts(service("mail"))).toContain(8025);
  });

  it("sends every instance's mail to the mail service", () => {
    for (const name of instanceNames) {
      const smtp = environment(service(name)).SMTP_URL;
      expect(smtp, `${name} should set SMTP_URL`).toBeDefined();
      const url = new URL(smtp!);
      expect(url.protocol).toBe("smtp:");
      expect(url.hostname).toBe("mail");
    }
  });

  it("lets each instance resolve the other's hostname to the proxy on a shared network", () => {
    const proxy = service("proxy");
    for (const name of instanceNames) {
      const instance = service(name);
      const host = new URL(environment(instance).COPSE_ORIGIN!).hostname;
      const shared = networkNames(instance).filter((n) => networkNames(proxy).includes(n));
      expect(shared.length, `${name} should share a network with the proxy`).toBeGreaterThan(0);
      expect(shared.flatMap((n) => aliases(proxy, n))).toContain(host);
      // Federation between containers crosses Docker's private network, which Copse blocks
      // unless told otherwise.
      expect(environment(instance).COPSE_ALLOW_PRIVATE_ADDRESS).toBe("true");
    }
  });

  it("makes Caddy's root certificate available to Node in each instance", () => {
    for (const name of instanceNames) {
      const instance = service(name);
      const caFile = environment(instance).NODE_EXTRA_CA_CERTS;
      expect(caFile, `${name} should set NODE_EXTRA_CA_CERTS`).toBeDefined();
      const mount = mounts(instance).find((m) => m.target === posix.dirname(caFile!));
      expect(mount, `${name} should mount the directory holding ${caFile}`).toBeDefined();
      expect(mount!.readOnly).toBe(true);
      expect(Object.keys(compose.volumes ?? {})).toContain(mount!.source);
    }
  });

  it("starts the instances only after what they depend on is ready", () => {
    for (const name of instanceNames) {
      const dependsOn = service(name).depends_on;
      expect(dependsOn && !Array.isArray(dependsOn)).toBe(true);
      const conditions = dependsOn as Record<string, { condition?: string }>;
      expect(conditions.mail?.condition).toBe("service_healthy");
      // Whatever provides the CA file must have finished before Node starts, because Node
      // reads NODE_EXTRA_CA_CERTS only once.
      expect(Object.values(conditions).map((c) => c.condition)).toContain(
        "service_completed_successfully",
      );
      expect(service(name).healthcheck?.test).toBeDefined();
    }
  });

  it("puts Somerset's data, and its queue with it, on the PostgreSQL service, and starts Somerset after it", () => {
    const somerset = environment(service("somerset"));
    const url = new URL(somerset.COPSE_DATABASE_URL!);
    expect(url.protocol).toBe("postgres:");
    // The queue follows the data when COPSE_QUEUE_URL is not set (src/config.ts).
    expect(somerset.COPSE_QUEUE_URL).toBeUndefined();
    const database = service(url.hostname);
    expect(database.image).toMatch(/^postgres:/);
    expect(database.healthcheck?.test).toBeDefined();
    expect(environment(database).POSTGRES_DB).toBe(url.pathname.slice(1));
    expect(environment(database).POSTGRES_USER).toBe(url.username);
    expect(environment(database).POSTGRES_PASSWORD).toBe(url.password);
    const dependsOn = service("somerset").depends_on as Record<string, { condition?: string }>;
    expect(dependsOn[url.hostname]?.condition).toBe("service_healthy");
    // Sunderland keeps the default, everything in SQLite, to show both ways side by side.
    const sunderland = environment(service("sunderland"));
    expect(sunderland.COPSE_DATABASE_URL).toBeUndefined();
    expect(sunderland.COPSE_QUEUE_URL).toBeUndefined();
  });

  it("runs Somerset as two web and two worker processes on one database and files volume, behind Caddy", () => {
    const somerset = environment(service("somerset"));
    const roles = {
      somerset: "web",
      "somerset-web-2": "web",
      "somerset-worker-1": "worker",
      "somerset-worker-2": "worker",
    };
    for (const [name, role] of Object.entries(roles)) {
      const s = service(name);
      // The same instance: every setting as Somerset's but the role.
      expect({ ...environment(s), COPSE_ROLE: "web" }, name).toEqual(somerset);
      expect(environment(s).COPSE_ROLE, name).toBe(role);
      // The files are shared; no data directory is, since the database is on PostgreSQL.
      expect(mounts(s).find((m) => m.target === somerset.COPSE_FILES_DIR)?.source, name).toBe(
        "somerset-files",
      );
      expect(
        mounts(s).find((m) => m.target === "/data"),
        name,
      ).toBeUndefined();
      expect(buildOf(s), name).toEqual(buildOf(service("somerset")));
      // Workers open no port, so the web processes' /healthz check must not be theirs.
      expect(s.healthcheck?.disable === true, name).toBe(role === "worker");
    }
    const caddyfile = readFileSync(join(root, "deploy", "Caddyfile"), "utf8");
    expect(caddyfile).toMatch(/reverse_proxy\s+somerset:3000\s+somerset-web-2:3000\b/);
    expect(caddyfile).not.toMatch(/somerset-worker/);
  });

  it("mentions Deno in no service's image, command or entrypoint", () => {
    for (const [name, s] of Object.entries(services)) {
      const text = [s.image, asText(s.command), asText(s.entrypoint), buildOf(s)?.dockerfile]
        .join(" ")
        .toLowerCase();
      expect(text, `service ${name}`).not.toContain("deno");
    }
  });

  it("only sets variables on the instances that src/config.ts reads", () => {
    // The configuration is read in src/config.ts and the config-*.ts files beside it.
    const configSource = readdirSync(join(root, "src"))
      .filter((file) => /^config(-[a-z]+)?\.ts$/.test(file))
      .map((file) => readFileSync(join(root, "src", file), "utf8"))
      .join("\n");
    for (const name of instanceNames) {
      for (const variable of Object.keys(environment(service(name)))) {
        if (NODE_RUNTIME_VARIABLES.has(variable)) continue;
        expect(variable).toMatch(/^(COPSE_[A-Z0-9_]+|PORT|HOST|SMTP_URL)$/);
        const read = new RegExp(
          `\\b(env(\\.${variable}\\b|\\[["']${variable}["']\\])|value\\(["']${variable}["']\\))`,
        );
        expect(read.test(configSource), `src/config.ts should read ${variable}`).toBe(true);
      }
    }
  });
});

describe("deploy/Caddyfile", () => {
  it("is mounted into the proxy and serves both instances over internal TLS", () => {
    const mount = mounts(service("proxy")).find((m) => m.target === "/etc/caddy/Caddyfile");
    expect(mount, "the proxy should mount a Caddyfile").toBeDefined();
    expect(mount!.readOnly).toBe(true);
    const caddyfilePath = resolve(root, mount!.source!);
    expect(existsSync(caddyfilePath)).toBe(true);

    const caddyfile = readFileSync(caddyfilePath, "utf8");
    for (const name of instanceNames) {
      const host = new URL(environment(service(name)).COPSE_ORIGIN!).hostname;
      expect(caddyfile).toMatch(new RegExp(`^${host.replaceAll(".", "\\.")}\\s*\\{`, "m"));
      expect(caddyfile).toMatch(new RegExp(`reverse_proxy\\s+${name}:3000\\b`));
    }
    expect(caddyfile.match(/^\s*tls internal\s*$/gm)?.length).toBe(instanceNames.length);
  });
});

describe("Dockerfile", () => {
  const path = join(root, "Dockerfile");

  it("exists", () => {
    expect(existsSync(path)).toBe(true);
  });

  const instructions = existsSync(path) ? dockerfileInstructions(readFileSync(path, "utf8")) : [];
  const named = (keyword: string) =>
    instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `));

  it("uses Node 24 for every stage and never Deno", () => {
    const bases = named("FROM").map((line) => line.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:24(\b|-)/);
    expect(instructions.join("\n").toLowerCase()).not.toContain("deno");
  });

  it("runs as a non-root user", () => {
    const users = named("USER").map((line) => line.split(/\s+/)[1]!.split(":")[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
  });

  it("keeps data in /data, builds the server and starts what npm start runs", () => {
    expect(named("VOLUME").join(" ")).toContain("/data");
    expect(named("ENV").join(" ")).toMatch(/COPSE_DATA_DIR=\/data\b/);
    expect(named("HEALTHCHECK").join(" ")).toContain("/healthz");
    const cmd = named("CMD").at(-1);
    expect(cmd).toBeDefined();
    expect(named("RUN").join("\n")).toContain("node scripts/build.mjs");
    // The same command as `npm start` after its build, so the image runs what the README runs.
    const start = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts.start!;
    // npm start execs Node itself (found by ensure-node.mjs), so no launcher stays alive.
    expect(start).toMatch(
      /&& MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-2\} MALLOC_TRIM_THRESHOLD_=\$\{MALLOC_TRIM_THRESHOLD_:-131072\} exec "\$\(node scripts\/ensure-node\.mjs --which\)" --enable-source-maps --max-semi-space-size=8 build\/main\.js$/,
    );
    // And with the same allocator settings, which npm start gives unless the caller has them.
    expect(named("ENV").join(" ")).toMatch(/\bMALLOC_ARENA_MAX=2\b/);
    expect(named("ENV").join(" ")).toMatch(/\bMALLOC_TRIM_THRESHOLD_=131072\b/);
    expect(JSON.parse(cmd!.slice("CMD".length))).toEqual([
      "node",
      "--enable-source-maps",
      "--max-semi-space-size=8",
      "build/main.js",
    ]);
  });

  it("is fed a build context without host dependencies or data", () => {
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
      .split(/\r?\n/)
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "data", ".git"]));
  });
});
