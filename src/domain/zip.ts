import { crc32, createDeflateRaw } from "node:zlib";

// A streaming ZIP writer, enough for a person's data download: deflated entries whose sizes
// and checksums follow their data (general-purpose flag bit 3), so a file is read from disk
// once and never held whole in memory, and UTF-8 names (bit 11). Node has deflate and CRC-32
// built in, so this needs no library. It writes plain ZIP, not ZIP64: an archive stops with an
// error rather than pass 4 GiB or 65,535 entries, far beyond one person's uploads.

/** One file of an archive: its name inside the ZIP and where its bytes come from. */
export interface ZipEntry {
  name: string;
  /** The bytes, whole or as a stream of chunks (a file on disk, say). */
  data: Uint8Array | string | AsyncIterable<Uint8Array>;
  /** The modification time recorded for it; now when left out. */
  modified?: Date | undefined;
}

const FLAGS = 0x0808; // data descriptor follows the data; names are UTF-8
const DEFLATE = 8;
const VERSION = 20;
const LIMIT = 0xffff_ffff;

/** The MS-DOS date and time ZIP records, in local time as its readers expect. */
function dosTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** The bytes of an entry, as a stream of chunks. */
async function* chunksOf(data: ZipEntry["data"]): AsyncIterable<Uint8Array> {
  if (typeof data === "string") yield Buffer.from(data, "utf8");
  else if (data instanceof Uint8Array) yield data;
  else yield* data;
}

/** Deflates an entry's bytes while counting them and their CRC-32. */
async function* deflated(
  data: ZipEntry["data"],
  totals: { crc: number; size: number },
): AsyncIterable<Uint8Array> {
  const deflate = createDeflateRaw();
  const feed = (async () => {
    try {
      for await (const chunk of chunksOf(data)) {
        totals.crc = crc32(chunk, totals.crc);
        totals.size += chunk.length;
        if (!deflate.write(chunk)) await new Promise((r) => deflate.once("drain", r));
      }
      deflate.end();
    } catch (error) {
      deflate.destroy(error as Error);
    }
  })();
  for await (const chunk of deflate) yield chunk as Uint8Array;
  await feed;
}

/**
 * Writes a ZIP archive of the entries, in order, as a stream of chunks. Entries are read one
 * at a time and only as the reader asks for more, so a slow download holds little in memory.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>) {
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for await (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const when = dosTime(entry.modified ?? new Date());
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(when.time, 10);
    local.writeUInt16LE(when.date, 12);
    // CRC and sizes stay zero here: the data descriptor after the data carries them.
    local.writeUInt16LE(name.length, 26);
    const headerOffset = offset;
    yield local;
    yield name;
    offset += local.length + name.length;
    const totals = { crc: 0, size: 0 };
    let compressed = 0;
    for await (const chunk of deflated(entry.data, totals)) {
      compressed += chunk.length;
      yield chunk;
    }
    offset += compressed;
    if (compressed > LIMIT || totals.size > LIMIT || offset > LIMIT || count >= 0xffff) {
      throw new Error("The archive is too large for a plain ZIP file");
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(totals.crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(totals.size, 12);
    yield descriptor;
    offset += descriptor.length;

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(VERSION, 6);
    header.writeUInt16LE(FLAGS, 8);
    header.writeUInt16LE(DEFLATE, 10);
    header.writeUInt16LE(when.time, 12);
    header.writeUInt16LE(when.date, 14);
    header.writeUInt32LE(totals.crc >>> 0, 16);
    header.writeUInt32LE(compressed, 20);
    header.writeUInt32LE(totals.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(headerOffset, 42);
    central.push(header, name);
    count++;
  }
  const directory = Buffer.concat(central);
  if (offset + directory.length > LIMIT) {
    throw new Error("The archive is too large for a plain ZIP file");
  }
  yield directory;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  yield end;
}
