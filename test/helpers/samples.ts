import { crc32 } from "node:zlib";

// Small but well-formed sample files, built byte by byte, for the sniffer and upload tests.

const encoder = new TextEncoder();

function u16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A zip of uncompressed entries with a real central directory, as Office and LibreOffice write. */
export function zipOf(entries: { name: string; content: string }[]): Uint8Array<ArrayBuffer> {
  const local: number[] = [];
  const central: number[] = [];
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const data = encoder.encode(entry.content);
    const crc = crc32(data);
    const offset = local.length;
    local.push(
      ...u32(0x04034b50),
      ...u16(20),
      ...u16(0),
      ...u16(0), // stored, as ODF requires for its mimetype entry
      ...u16(0),
      ...u16(0),
      ...u32(crc),
      ...u32(data.length),
      ...u32(data.length),
      ...u16(name.length),
      ...u16(0),
      ...name,
      ...data,
    );
    central.push(
      ...u32(0x02014b50),
      ...u16(20),
      ...u16(20),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(crc),
      ...u32(data.length),
      ...u32(data.length),
      ...u16(name.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(offset),
      ...name,
    );
  }
  const end = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(central.length),
    ...u32(local.length),
    ...u16(0),
  ];
  return new Uint8Array([...local, ...central, ...end]);
}

/** A minimal Word (.docx) file. */
export function docxSample(): Uint8Array<ArrayBuffer> {
  return zipOf([
    { name: "[Content_Types].xml", content: "<Types/>" },
    { name: "_rels/.rels", content: "<Relationships/>" },
    { name: "word/document.xml", content: "<w:document/>" },
  ]);
}

const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const FAT_SECTOR = 0xfffffffd;

/**
 * A minimal OLE2 compound file (512-byte sectors): sector 0 holds the allocation table and
 * the directory is a chain of sectors from 1, so stream names past the first directory
 * sector are only found by following the chain.
 */
export function ole2Sample(streams: string[]): Uint8Array<ArrayBuffer> {
  const entriesPerSector = 4;
  const names = ["Root Entry", ...streams];
  const directorySectors = Math.ceil(names.length / entriesPerSector);
  const bytes = new Uint8Array(512 * (2 + directorySectors));
  const header = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  bytes.set(header, 0);
  bytes.set(u16(0x3e), 0x18);
  bytes.set(u16(3), 0x1a);
  bytes.set(u16(0xfffe), 0x1c);
  bytes.set(u16(9), 0x1e);
  bytes.set(u16(6), 0x20);
  bytes.set(u32(1), 0x2c);
  bytes.set(u32(1), 0x30);
  bytes.set(u32(4096), 0x38);
  bytes.set(u32(END_OF_CHAIN), 0x3c);
  bytes.set(u32(END_OF_CHAIN), 0x44);
  for (let i = 0; i < 109; i++) bytes.set(u32(i === 0 ? 0 : FREE), 0x4c + i * 4);
  // The allocation table (sector 0, at offset 512): itself, then the directory chain.
  const fat = 512;
  for (let i = 0; i < 128; i++) bytes.set(u32(FREE), fat + i * 4);
  bytes.set(u32(FAT_SECTOR), fat);
  for (let s = 1; s <= directorySectors; s++) {
    bytes.set(u32(s === directorySectors ? END_OF_CHAIN : s + 1), fat + s * 4);
  }
  names.forEach((name, index) => {
    const at = 512 * 2 + index * 128;
    const utf16 = [...name].flatMap((ch) => u16(ch.charCodeAt(0)));
    bytes.set(utf16, at);
    bytes.set(u16(utf16.length + 2), at + 0x40);
    bytes[at + 0x42] = index === 0 ? 5 : 2;
  });
  return bytes;
}

/** A PNG signature and the start of an IHDR chunk: enough for any sniffer. */
export function pngSample(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1,
    0, 0, 0, 1, 8, 6, 0, 0, 0,
  ]);
}

/** The bytes of a string in UTF-8. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}
