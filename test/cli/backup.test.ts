import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { BackupError, backup, countRows, restore } from "../../src/cli/backup.ts";
import { loadConfig } from "../../src/config.ts";
import { sweepAlerts } from "../../src/domain/alerts/sweep.ts";
import { readCursor } from "../../src/domain/alerts/sweep-cursor.ts";
import { createDocument } from "../../src/domain/documents.ts";
import { storeUpload } from "../../src/domain/files.ts";
import { localFileStore } from "../../src/domain/storage/store.ts";
import { openInstanceDatabase } from "../../src/instance.ts";
import { DataDirInUseError, LOCK_FILE_NAME } from "../../src/server-lock.ts";
import { freshDb } from "../helpers/db.ts";
import { startTestInstance } from "../helpers/instances.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `copse-${name}-`));
  dirs.push(dir);
  return dir;
};

async function* bytes(text: string) {
  yield new TextEncoder().encode(text);
}

describe("backup and restore", { timeout: 120_000 }, () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  // The command copies a SQLite file; on PostgreSQL it refuses (the test below), and pg_dump
  // does the work.
  it.skipIf(TEST_DATABASE === "postgres")(
    "copies a live instance while it takes writes, and restores a consistent copy",
    async () => {
      const dataDir = tempDir("live");
      const instance = await startTestInstance("Live", {}, { dataDir });
      const alice = await instance.createUser("alice");
      const garden = instance.createCommunity("garden", alice);
      const { config } = instance;

      // Documents (an item, a row and a stored file each) are written for as long as the backup
      // runs, on the server's own connection, as uploads would be.
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          const file = await storeUpload(
            localFileStore(dataDir),
            bytes(`document ${written}`),
            1024,
          );
          createDocument(instance.db, config.origin, {
            author: alice.actor,
            group: garden.actor,
            title: `Document ${written}`,
            description: "Written during the backup",
            fileName: `doc-${written}.txt`,
            file,
          });
          written++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      while (written < 5) await new Promise((resolve) => setImmediate(resolve));

      const target = join(tempDir("backups"), "nightly");
      // The command line's own connection, as `npm run admin -- backup` opens it.
      const cli = openInstanceDatabase(config, { mustExist: true });
      const manifest = await backup(config, cli, target).finally(() => cli.$client.close());
      writing = false;
      await writer;
      await instance.close();

      expect(manifest.origin).toBe(instance.origin);
      expect(manifest.missingFiles).toEqual([]);
      expect(manifest.counts.documents).toBeGreaterThanOrEqual(5);
      expect(manifest.counts.documents).toBeLessThanOrEqual(written);
      expect(readdirSync(target).sort()).toEqual(["backup.json", "copse.db", "files"]);

      // Restored into a new data directory, the copy is whole and holds what the manifest says.
      const fresh = tempDir("restored");
      const restoredConfig = loadConfig({ COPSE_DATA_DIR: fresh, COPSE_ORIGIN: instance.origin });
      restore(restoredConfig, target);
      const restored = new Database(join(fresh, "copse.db"), { readonly: true });
      try {
        expect(restored.pragma("integrity_check", { simple: true })).toBe("ok");
        expect(countRows(restored)).toEqual(manifest.counts);
        const paths = restored.prepare("SELECT storage_path AS p FROM documents").all() as {
          p: string;
        }[];
        expect(paths).toHaveLength(manifest.counts.documents!);
        for (const { p } of paths) expect(existsSync(join(fresh, p)), p).toBe(true);
      } finally {
        restored.close();
      }
      // The restored directory starts as an instance of the same origin.
      const again = openInstanceDatabase(restoredConfig, { mustExist: true });
      again.$client.close();
    },
  );

  it("refuses to back up or restore data on PostgreSQL, pointing to pg_dump and pg_restore", async () => {
    const dataDir = tempDir("pg");
    const config = loadConfig({
      COPSE_DATA_DIR: dataDir,
      COPSE_ORIGIN: "https://a.example",
      COPSE_DATABASE_URL: "postgres://copse@db.invalid/copse",
    });
    const target = join(tempDir("target"), "b");
    await expect(backup(config, freshDb(), target)).rejects.toThrow(
      /Back PostgreSQL up with pg_dump/,
    );
    expect(existsSync(target)).toBe(false);
    expect(() => restore(config, target)).toThrow(BackupError);
    expect(() => restore(config, target)).toThrow(/with pg_restore/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("refuses a backup of another origin, a data directory in use, and a non-empty target", async () => {
    const dataDir = tempDir("source");
    const config = loadConfig({ COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: "https://a.example" });
    const db = openInstanceDatabase(config);
    const target = join(tempDir("target"), "b");
    await backup(config, db, target);
    await expect(backup(config, db, target)).rejects.toThrow(/is not empty/);
    db.$client.close();

    const other = loadConfig({
      COPSE_DATA_DIR: tempDir("other"),
      COPSE_ORIGIN: "https://b.example",
    });
    expect(() => restore(other, target)).toThrow(BackupError);
    expect(() => restore(other, target)).toThrow(/belongs to https:\/\/a\.example/);
    expect(existsSync(join(other.dataDir, "copse.db"))).toBe(false);

    // A server (here: this test's parent process, alive on this host) holds the directory.
    writeFileSync(
      join(dataDir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.ppid, host: hostname() }),
    );
    expect(() => restore(config, target)).toThrow(DataDirInUseError);
    rmSync(join(dataDir, LOCK_FILE_NAME));

    // Without a server, what was there is moved aside rather than lost.
    restore(config, target);
    expect(readdirSync(dataDir).some((name) => name.startsWith("before-restore-"))).toBe(true);
    expect(existsSync(join(dataDir, "copse.db"))).toBe(true);
  });

  it("copies uploaded files from a shared COPSE_FILES_DIR, and restores them there", async () => {
    const shared = tempDir("shared-files");
    const env = { COPSE_DATA_DIR: tempDir("machine"), COPSE_FILES_DIR: shared };
    const config = loadConfig({ ...env, COPSE_ORIGIN: "https://a.example" });
    const db = openInstanceDatabase(config);
    const store = localFileStore(shared);
    const file = await storeUpload(store, bytes("kept on the shared disk"), 1024);
    writeFileSync(join(store.tempDir, "half.part"), "half an upload");
    await store.put("media/people/alice/48.webp", new TextEncoder().encode("photo"));
    const target = join(tempDir("target"), "b");
    await backup(config, db, target);
    db.$client.close();
    expect(existsSync(join(target, file.storagePath))).toBe(true);
    expect(existsSync(join(target, "media", "people", "alice", "48.webp"))).toBe(true);
    expect(existsSync(join(target, "files", "tmp"))).toBe(false);

    const newShared = tempDir("new-shared");
    const elsewhere = loadConfig({
      COPSE_DATA_DIR: tempDir("new-machine"),
      COPSE_FILES_DIR: newShared,
      COPSE_ORIGIN: "https://a.example",
    });
    restore(elsewhere, target);
    const restored = localFileStore(newShared);
    expect((await restored.get(file.storagePath))?.toString()).toBe("kept on the shared disk");
    expect((await restored.get("media/people/alice/48.webp"))?.toString()).toBe("photo");
  });

  it("marks the restore point, so email alerts do not mail what the backup held", async () => {
    const dataDir = tempDir("swept");
    const config = loadConfig({ COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: "https://a.example" });
    const db = openInstanceDatabase(config);
    sweepAlerts(db, { origin: config.origin, instanceName: "A" });
    expect(readCursor(db)!.notBefore).toBe(0);
    const target = join(tempDir("target"), "b");
    await backup(config, db, target);
    db.$client.close();

    const fresh = tempDir("restored-alerts");
    const restoredConfig = loadConfig({ COPSE_DATA_DIR: fresh, COPSE_ORIGIN: config.origin });
    const before = Date.now();
    restore(restoredConfig, target);
    const restored = openInstanceDatabase(restoredConfig, { mustExist: true });
    try {
      expect(readCursor(restored)!.notBefore).toBeGreaterThanOrEqual(before);
    } finally {
      restored.$client.close();
    }
  });
});
