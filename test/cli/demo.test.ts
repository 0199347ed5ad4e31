import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../helpers/client.ts";
import { eventually } from "../helpers/instances.ts";

// `npm run demo` as a real process, since the process is the point: it must start three
// instances, seed them over real federation, print how to sign in, and stop on SIGTERM. It runs
// the built demo (build/cli/demo.js, made by test/global-setup.ts), as the npm script does.

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

interface Ready {
  origins: Record<"council" | "agency" | "riverside", string>;
  password: string;
  people: { instance: "council" | "agency" | "riverside"; email: string; handle: string }[];
  crossPost: { title: string; communityOn: Record<"council" | "agency" | "riverside", string> };
}

describe("npm run demo", () => {
  let demo: ChildProcess;
  let output = "";
  let ready: Ready;

  it("runs the built demo with Node itself, as started here", () => {
    const { scripts } = JSON.parse(readFileSync(`${projectRoot}/package.json`, "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.demo).toMatch(
      /&& exec "\$\(node scripts\/ensure-node\.mjs --which\)" --enable-source-maps build\/cli\/demo\.js$/,
    );
  });

  beforeAll(async () => {
    const { PATH, HOME } = process.env;
    demo = spawn(process.execPath, ["--enable-source-maps", "build/cli/demo.js", "--port", "0"], {
      cwd: projectRoot,
      env: { PATH, HOME },
      stdio: ["ignore", "pipe", "pipe"],
    });
    demo.stdout!.on("data", (chunk) => {
      output += chunk;
    });
    demo.stderr!.on("data", (chunk) => {
      output += chunk;
    });
    const line = await eventually(() => {
      if (demo.exitCode !== null) throw new Error(`The demo exited:\n${output}`);
      return /^COPSE_DEMO_READY (.*)$/m.exec(output)?.[1];
    }, 150_000);
    ready = JSON.parse(line) as Ready;
  }, 160_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = once(demo, "exit");
      demo.kill("SIGTERM");
      await exited;
    }
  });

  it("prints three addresses and everyone's sign-in details, quietly", () => {
    const origins = Object.values(ready.origins);
    expect(new Set(origins).size).toBe(3);
    for (const origin of origins) expect(output).toContain(`${origin}/`);
    expect(ready.people.map((p) => p.instance).sort()).toEqual([
      "agency",
      "agency",
      "council",
      "council",
      "riverside",
      "riverside",
    ]);
    for (const person of ready.people) expect(output).toContain(person.email);
    expect(output).toContain(`password: ${ready.password}`);
    // Nothing went wrong on the way: no warnings or errors among the instructions.
    expect(output).not.toMatch(/ (WRN|ERR) /);
  });

  it("shows a post written on one instance on the other two", async () => {
    for (const key of ["council", "agency", "riverside"] as const) {
      const web = new WebClient(ready.origins[key]);
      const { response, body } = await web.get(ready.crossPost.communityOn[key]);
      expect(response.status).toBe(200);
      expect(body).toContain(ready.crossPost.title);
    }
  });

  it("signs in with the printed details on each instance", async () => {
    for (const person of ready.people.filter((p) => p.handle === "dev" || p.handle === "erin")) {
      const web = new WebClient(ready.origins[person.instance]);
      const { response } = await web.post("/signin", {
        login: person.email,
        password: ready.password,
      });
      expect(response.status).toBe(303);
      expect(web.cookie("copse_session")).toBeTruthy();
    }
  });

  it("stops on SIGTERM", async () => {
    const exited = once(demo, "exit");
    demo.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(fetch(ready.origins.agency)).rejects.toThrow();
  });
});
