import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { safeMediaType, sniffBytes, sniffFile } from "../../src/domain/sniff.ts";
import { docxSample, ole2Sample, pngSample, utf8, zipOf } from "../helpers/samples.ts";

describe("sniffing a file's type from its bytes", () => {
  it("recognises PDF and the common image formats by their magic numbers", () => {
    expect(sniffBytes(utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj"))).toBe("application/pdf");
    expect(sniffBytes(pngSample())).toBe("image/png");
    expect(sniffBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toBe(
      "image/jpeg",
    );
    expect(sniffBytes(utf8("GIF89a\x01\x00\x01\x00"))).toBe("image/gif");
    expect(sniffBytes(utf8("GIF87a\x01\x00\x01\x00"))).toBe("image/gif");
    expect(sniffBytes(utf8("RIFF\x24\x00\x00\x00WEBPVP8 "))).toBe("image/webp");
    // RIFF alone is also WAV and AVI, which are not pictures.
    expect(sniffBytes(utf8("RIFF\x24\x00\x00\x00WAVEfmt "))).not.toBe("image/webp");
  });

  it("tells Office Open XML files apart by the folders in the zip's directory", () => {
    expect(sniffBytes(docxSample())).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    const xlsx = zipOf([
      { name: "[Content_Types].xml", content: "<Types/>" },
      { name: "xl/workbook.xml", content: "<workbook/>" },
    ]);
    expect(sniffBytes(xlsx)).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const pptx = zipOf([
      { name: "[Content_Types].xml", content: "<Types/>" },
      { name: "docProps/app.xml", content: "<Properties/>" },
      { name: "ppt/presentation.xml", content: "<p:presentation/>" },
    ]);
    expect(sniffBytes(pptx)).toBe(
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    );
    // Content types claiming Word are not enough either: the parts must be there (file-type,
    // which reads only the claim, names such a zip a Word document; see the README).
    const claimsWord = zipOf([
      {
        name: "[Content_Types].xml",
        content:
          '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      },
      { name: "index.html", content: "<script>alert(1)</script>" },
    ]);
    expect(sniffBytes(claimsWord)).toBe("application/zip");
    // A zip that merely has a word/ folder, without Office's content types, is just a zip.
    expect(sniffBytes(zipOf([{ name: "word/notes.txt", content: "hello" }]))).toBe(
      "application/zip",
    );
  });

  it("reads OpenDocument's type from its mimetype entry", () => {
    const odt = zipOf([
      { name: "mimetype", content: "application/vnd.oasis.opendocument.text" },
      { name: "content.xml", content: "<office:document-content/>" },
    ]);
    expect(sniffBytes(odt)).toBe("application/vnd.oasis.opendocument.text");
    const ods = zipOf([
      { name: "mimetype", content: "application/vnd.oasis.opendocument.spreadsheet" },
    ]);
    expect(sniffBytes(ods)).toBe("application/vnd.oasis.opendocument.spreadsheet");
    // A made-up mimetype entry does not pass as a type.
    const forged = zipOf([{ name: "mimetype", content: "text/html" }]);
    expect(sniffBytes(forged)).toBe("application/zip");
  });

  it("tells legacy Word, Excel and PowerPoint files apart by their OLE2 streams", () => {
    expect(sniffBytes(ole2Sample(["WordDocument", "1Table"]))).toBe("application/msword");
    expect(sniffBytes(ole2Sample(["Workbook"]))).toBe("application/vnd.ms-excel");
    expect(sniffBytes(ole2Sample(["PowerPoint Document"]))).toBe("application/vnd.ms-powerpoint");
    // The Workbook stream is in the directory's second sector: found by following the chain.
    const long = ole2Sample(["SummaryInformation", "DocumentSummaryInformation", "x", "Workbook"]);
    expect(long.length).toBe(512 * 4);
    expect(sniffBytes(long)).toBe("application/vnd.ms-excel");
    expect(sniffBytes(ole2Sample(["Contents"]))).toBe("application/octet-stream");
  });

  it("treats UTF-8 without NULs as text, and spots CSV", () => {
    expect(sniffBytes(utf8("Gritting routes for winter.\nSecond line – with a dash.\n"))).toBe(
      "text/plain",
    );
    expect(
      sniffBytes(utf8('service,area,budget\ngritting,north,1200\nparks,"south, east",300\n')),
    ).toBe("text/csv");
    // One comma on one line is prose, not a table.
    expect(sniffBytes(utf8("Hello, world"))).toBe("text/plain");
    expect(sniffBytes(utf8("a,b\nc\n"))).toBe("text/plain");
  });

  it("never calls binary, broken UTF-8 or empty files text", () => {
    expect(sniffBytes(new Uint8Array([0x48, 0x69, 0x00, 0x21]))).toBe("application/octet-stream");
    expect(sniffBytes(new Uint8Array([0x48, 0xc3, 0x28, 0x69]))).toBe("application/octet-stream");
    expect(sniffBytes(new Uint8Array([]))).toBe("application/octet-stream");
  });

  it("recognises markup so it is never served as text", () => {
    expect(sniffBytes(utf8("<!DOCTYPE html><html><script>alert(1)</script>"))).toBe("text/html");
    expect(sniffBytes(utf8("\uFEFF  <script>alert(1)</script>"))).toBe("text/html");
    expect(sniffBytes(utf8('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'))).toBe(
      "image/svg+xml",
    );
    expect(sniffBytes(utf8('<?xml version="1.0"?>\n<svg xmlns="x"></svg>'))).toBe("image/svg+xml");
    expect(sniffBytes(utf8('<?xml version="1.0"?><note/>'))).toBe("application/xml");
  });

  it("checks the whole file, across read boundaries, when deciding it is text", () => {
    // A multi-byte character straddling the 64 KiB read boundary is still valid text...
    const text = `${"a".repeat(64 * 1024 - 1)}é and more`;
    expect(sniffBytes(utf8(text))).toBe("text/plain");
    // ...but a NUL far from the start makes it binary.
    const binary = utf8(`${"a".repeat(200_000)}\u0000end`);
    expect(sniffBytes(binary)).toBe("application/octet-stream");
  });

  it("gives the same answer reading a file from disk as from memory", () => {
    const dir = mkdtempSync(join(tmpdir(), "copse-sniff-"));
    try {
      const samples = [docxSample(), ole2Sample(["WordDocument"]), pngSample(), utf8("a,b\n1,2\n")];
      for (const [i, sample] of samples.entries()) {
        const path = join(dir, `sample-${i}`);
        writeFileSync(path, sample);
        expect(sniffFile(path)).toBe(sniffBytes(sample));
      }
      expect(sniffFile(join(dir, "sample-0"))).toMatch(/wordprocessingml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves only safe types as themselves", () => {
    expect(safeMediaType("application/pdf")).toBe("application/pdf");
    expect(safeMediaType("image/png")).toBe("image/png");
    expect(safeMediaType("text/plain")).toBe("text/plain");
    expect(safeMediaType("application/msword")).toBe("application/msword");
    for (const unsafe of ["text/html", "image/svg+xml", "application/xml", "application/zip"]) {
      expect(safeMediaType(unsafe)).toBe("application/octet-stream");
    }
  });
});
