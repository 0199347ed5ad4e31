import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zipStream } from "../../src/domain/zip.ts";
import { readZip } from "../helpers/unzip.ts";

// The streaming ZIP writer behind "Download your data", read back by an independent reader
// (test/helpers/unzip.ts) and, where Info-ZIP's unzip is installed, by unzip -t too.

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* slowly(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("zipStream", () => {
  const random = randomBytes(300_000);
  const entries = () => [
    { name: "profile.json", data: '{"name": "Zoë"}\n' },
    { name: "files/1-café report.pdf", data: slowly(random, 4096) },
    { name: "empty.txt", data: new Uint8Array() },
  ];

  it("writes entries that read back byte for byte, with UTF-8 names", async () => {
    const files = readZip(await collect(zipStream(entries())));
    expect([...files.keys()]).toEqual(["profile.json", "files/1-café report.pdf", "empty.txt"]);
    expect(files.get("profile.json")?.toString()).toBe('{"name": "Zoë"}\n');
    expect(files.get("files/1-café report.pdf")?.equals(random)).toBe(true);
    expect(files.get("empty.txt")?.length).toBe(0);
  });

  it.skipIf(!existsSync("/usr/bin/unzip"))(
    "passes Info-ZIP's own test of the archive",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "copse-zip-"));
      try {
        const path = join(dir, "out.zip");
        writeFileSync(path, await collect(zipStream(entries())));
        const report = execFileSync("/usr/bin/unzip", ["-t", path], { encoding: "utf8" });
        expect(report).toContain("No errors detected");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("passes on an error from a file being read instead of writing a broken archive", async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield Buffer.from("start");
      throw new Error("disk went away");
    }
    await expect(collect(zipStream([{ name: "a", data: failing() }]))).rejects.toThrow(
      "disk went away",
    );
  });
});
