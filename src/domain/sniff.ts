import { closeSync, fstatSync, openSync, readSync } from "node:fs";

// Uploads are typed by their bytes, never by the name or the Content-Type the browser sent:
// a page disguised as a picture must not be served back as anything a browser would run.
// Only the formats people share in a document library are recognised; the rest are
// application/octet-stream, which is always safe to hand out as a download.

/** Random access to the bytes being sniffed: a buffer in tests, a file on disk for uploads. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes from `offset` (fewer at the end). */
  read(offset: number, length: number): Uint8Array;
}

/** Media types that are served with their own type; everything else is a plain download. */
export const SAFE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "text/plain",
  "text/csv",
]);

/** The type a download is served with: the sniffed type if it is on the safe list. */
export function safeMediaType(mediaType: string): string {
  return SAFE_MEDIA_TYPES.has(mediaType) ? mediaType : "application/octet-stream";
}

const OCTET_STREAM = "application/octet-stream";

/** Sniffs the media type of a whole buffer. */
export function sniffBytes(bytes: Uint8Array): string {
  return sniff({
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  });
}

/** Sniffs the media type of a file on disk, reading only the parts it needs. */
export function sniffFile(path: string): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    return sniff({
      size,
      read(offset, length) {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const n = buffer.length > 0 ? readSync(fd, buffer, 0, buffer.length, offset) : 0;
        return buffer.subarray(0, n);
      },
    });
  } finally {
    closeSync(fd);
  }
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((ch) => ch.charCodeAt(0));
}

/** Sniffs a media type from magic numbers, zip and OLE2 directories, then text heuristics. */
export function sniff(source: ByteSource): string {
  if (source.size === 0) return OCTET_STREAM;
  const head = source.read(0, 512);
  if (startsWith(head, ascii("%PDF-"))) return "application/pdf";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "image/gif";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return sniffZip(source, head);
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return sniffOle2(source);
  return sniffText(source);
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) | (u16(bytes, at + 2) << 16)) >>> 0;
}

const ZIP_EOCD = 0x06054b50;
const ZIP_CENTRAL_ENTRY = 0x02014b50;
const MAX_ZIP_ENTRIES = 10_000;

/**
 * Office Open XML files are zips whose parts live under word/, xl/ or ppt/; OpenDocument files
 * start with an uncompressed `mimetype` entry naming their type. The central directory at the
 * end of the zip lists every part, so only it and the first entry are read.
 */
function sniffZip(source: ByteSource, head: Uint8Array): string {
  const nameLength = u16(head, 26);
  const extraLength = u16(head, 28);
  if (new TextDecoder().decode(head.subarray(30, 30 + nameLength)) === "mimetype") {
    const dataStart = 30 + nameLength + extraLength;
    const declared = new TextDecoder()
      .decode(source.read(dataStart, Math.min(u32(head, 18), 100)))
      .trim();
    if (u16(head, 8) === 0 && /^application\/vnd\.oasis\.opendocument\.[a-z.-]+$/.test(declared))
      return declared;
  }
  const names = zipEntryNames(source);
  if (names.includes("[Content_Types].xml")) {
    if (names.some((n) => n.startsWith("word/")))
      return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (names.some((n) => n.startsWith("xl/")))
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (names.some((n) => n.startsWith("ppt/")))
      return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  }
  return "application/zip";
}

/** The file names in a zip's central directory (empty when it cannot be found). */
function zipEntryNames(source: ByteSource): string[] {
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
  const tailStart = Math.max(0, source.size - (22 + 0xffff));
  const tail = source.read(tailStart, source.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === ZIP_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = Math.min(u16(tail, eocd + 10), MAX_ZIP_ENTRIES);
  const directorySize = u32(tail, eocd + 12);
  const directoryOffset = u32(tail, eocd + 16);
  if (directoryOffset + directorySize > source.size) return [];
  const directory = source.read(directoryOffset, directorySize);
  const names: string[] = [];
  let at = 0;
  for (let i = 0; i < count && at + 46 <= directory.length; i++) {
    if (u32(directory, at) !== ZIP_CENTRAL_ENTRY) break;
    const nameLength = u16(directory, at + 28);
    const extraLength = u16(directory, at + 30);
    const commentLength = u16(directory, at + 32);
    names.push(new TextDecoder().decode(directory.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const OLE_END_OF_CHAIN = 0xfffffffe;
const MAX_OLE_DIRECTORY_SECTORS = 1000;

/**
 * Legacy Office files are OLE2 compound files; which program wrote one is told by the streams
 * in its directory: WordDocument, Workbook (or Book) and "PowerPoint Document".
 */
function sniffOle2(source: ByteSource): string {
  const header = source.read(0, 512);
  const sectorShift = u16(header, 0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return OCTET_STREAM;
  const sectorSize = 1 << sectorShift;
  const sectorAt = (n: number) => (n + 1) * sectorSize;
  // The allocation table's own sectors are listed in the header (109 of them; enough for the
  // files a library takes), and the directory is a chain through that table.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const sector = u32(header, 0x4c + i * 4);
    if (sector >= 0xfffffffa) break;
    fatSectors.push(sector);
  }
  const perSector = sectorSize / 4;
  const next = (sector: number): number => {
    const fatSector = fatSectors[Math.floor(sector / perSector)];
    if (fatSector === undefined) return OLE_END_OF_CHAIN;
    return u32(source.read(sectorAt(fatSector) + (sector % perSector) * 4, 4), 0);
  };
  const names = new Set<string>();
  let sector = u32(header, 0x30);
  for (let n = 0; n < MAX_OLE_DIRECTORY_SECTORS && sector < 0xfffffffa; n++) {
    const block = source.read(sectorAt(sector), sectorSize);
    for (let at = 0; at + 128 <= block.length; at += 128) {
      const nameBytes = Math.min(u16(block, at + 0x40), 64);
      if (nameBytes >= 2) {
        names.add(
          new TextDecoder("utf-16le").decode(block.subarray(at, at + nameBytes - 2)).trim(),
        );
      }
    }
    sector = next(sector);
  }
  if (names.has("WordDocument")) return "application/msword";
  if (names.has("Workbook") || names.has("Book")) return "application/vnd.ms-excel";
  if (names.has("PowerPoint Document")) return "application/vnd.ms-powerpoint";
  return OCTET_STREAM;
}

// Markup a browser would render or run is recognised before the text fallback, so it is
// never served as text/plain (and, not being on the safe list, goes out as octet-stream).
const MARKUP_PATTERNS: [RegExp, string][] = [
  [/^<\?xml[\s\S]*<svg[\s>]/i, "image/svg+xml"],
  [/^<svg[\s>]/i, "image/svg+xml"],
  [
    /^<(!doctype html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>]/i,
    "text/html",
  ],
  [/^<!--/, "text/html"],
  [/^<\?xml/i, "application/xml"],
];

const TEXT_CHUNK = 64 * 1024;
const SAMPLE_CHARS = 4096;

/** Text is UTF-8 without NULs; markup is told apart, and CSV by its evenly split lines. */
function sniffText(source: ByteSource): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = "";
  let whole = true;
  try {
    for (let offset = 0; offset < source.size; offset += TEXT_CHUNK) {
      const chunk = source.read(offset, TEXT_CHUNK);
      if (chunk.includes(0)) return OCTET_STREAM;
      const text = decoder.decode(chunk, { stream: offset + TEXT_CHUNK < source.size });
      if (start.length + text.length > SAMPLE_CHARS) whole = false;
      if (start.length < SAMPLE_CHARS) start += text.slice(0, SAMPLE_CHARS - start.length);
    }
  } catch {
    return OCTET_STREAM;
  }
  const trimmed = start.replace(/^\uFEFF/, "").trimStart();
  for (const [pattern, type] of MARKUP_PATTERNS) if (pattern.test(trimmed)) return type;
  return looksLikeCsv(start, whole) ? "text/csv" : "text/plain";
}

/** At least two lines, each with the same number (one or more) of commas outside quotes. */
function looksLikeCsv(text: string, whole: boolean): boolean {
  const lines = text.split(/\r?\n/);
  // A sample's last line may be cut short, so it is only counted when it is the whole file.
  if (!whole) lines.pop();
  const complete = lines.filter((line) => line.length > 0).slice(0, 20);
  if (complete.length < 2) return false;
  const commas = complete.map((line) => line.replace(/"[^"]*"/g, "").split(",").length - 1);
  return commas[0]! > 0 && commas.every((n) => n === commas[0]);
}
