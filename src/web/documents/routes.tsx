import { Hono, type MiddlewareHandler } from "hono";
import {
  createDocument,
  type DocumentSort,
  fileInUse,
  listDocuments,
  validateDocument,
} from "../../domain/documents.ts";
import { ForbiddenError, ValidationError } from "../../domain/errors.ts";
import { removeStoredFile, storeUpload, UploadTooLargeError } from "../../domain/files.ts";
import { PAGE_SIZES } from "../../domain/forum.ts";
import { safeMediaType } from "../../domain/sniff.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { membersOnly, threadRefusal } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { pageContext, render } from "../render.ts";
import { documentActionRoutes } from "./action-routes.tsx";
import {
  type C,
  documentIn,
  documentNotFound,
  readableLibrary,
  renderDocumentPage,
} from "./shared.tsx";
import { DocumentFormPage, DocumentsPage, UploadTooLargePage } from "./views/documents.tsx";

const log = logger("web", "documents");

const UPLOAD_PATH = /^\/c\/[^/]+\/documents\/new$/;
// The multipart body carries the title, description and CSRF token besides the file, so the
// request may be this much bigger than the file limit; the file itself is held to the limit.
const FORM_OVERHEAD_BYTES = 256 * 1024;
// How much of a refused upload is read and dropped so the browser can show the 413 page.
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/** Whether a request is a document upload, which has its own, larger body limit. */
export function isDocumentUpload(c: C): boolean {
  return c.req.method === "POST" && UPLOAD_PATH.test(c.req.path);
}

/** The 413 page for an upload over the limit, naming the limit and the way back. */
function uploadTooLarge(c: C) {
  const { config } = c.get("deps");
  return render(
    c,
    <UploadTooLargePage
      ctx={pageContext(c)}
      formPath={c.req.path}
      maxUploadBytes={config.maxUploadBytes}
    />,
    413,
  );
}

/** Reads and throws away the rest of a refused upload, up to a cap; false if it was cut off. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let discarded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    discarded += value.length;
    if (discarded > MAX_DISCARD_BYTES) {
      await reader.cancel();
      return false;
    }
  }
}

/**
 * Caps document uploads at COPSE_MAX_UPLOAD_BYTES instead of the general body limit. It runs
 * before anything reads the body (the CSRF check parses the form) and answers an oversized
 * upload with a readable page before a byte of it is stored. A browser shows an answer only
 * once it has finished sending, so the rest of a refused body is read and thrown away (up to
 * a cap, and only for signed-in people: nobody else may upload anyway) rather than the
 * connection being cut, which browsers report as a network error.
 */
export function documentUploadLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isDocumentUpload(c) || !c.req.raw.body) return next();
    const max = c.get("deps").config.maxUploadBytes + FORM_OVERHEAD_BYTES;
    const declared = c.req.header("content-length");
    const reader = c.req.raw.body.getReader();
    const refuse = async () => {
      if (c.get("account")) await discardRest(reader);
      else await reader.cancel();
      return uploadTooLarge(c);
    };
    if (declared !== undefined && !c.req.header("transfer-encoding")) {
      if (Number(declared) <= max) {
        reader.releaseLock();
        return next();
      }
      if (Number(declared) > max + MAX_DISCARD_BYTES) {
        await reader.cancel();
        return uploadTooLarge(c);
      }
      return refuse();
    }
    // Without a declared length the body is counted as it arrives, as hono/body-limit does.
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) return refuse();
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks) });
    return next();
  };
}

/** The bytes of an uploaded file as an async sequence of chunks. */
async function* chunksOf(file: File): AsyncIterable<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** `attachment` with the file name for every browser: ASCII fallback plus RFC 5987 UTF-8. */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A community's document library: list, upload, read and download. */
export function documentRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/documents", (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const sortParam = c.req.query("sort");
    const sort: DocumentSort =
      sortParam === "az" || (sortParam === "mine" && c.get("account"))
        ? (sortParam as DocumentSort)
        : "latest";
    const size = Number(c.req.query("size"));
    const pageSize = (PAGE_SIZES as readonly number[]).includes(size) ? size : 25;
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { documents, total } = listDocuments(c.get("deps").db, access.group.id, {
      sort,
      viewerId: c.get("account")?.actor.id,
      page,
      pageSize,
    });
    return render(
      c,
      <DocumentsPage
        ctx={pageContext(c)}
        access={access}
        documents={documents}
        total={total}
        sort={sort}
        page={page}
        pageSize={pageSize}
      />,
    );
  });

  app.get("/c/:ref/documents/new", requireSignIn(), (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    return render(
      c,
      <DocumentFormPage
        ctx={pageContext(c)}
        access={access}
        action={`${access.path}/documents/new`}
        heading="Upload a document"
        withFile
        maxUploadBytes={c.get("deps").config.maxUploadBytes}
      />,
    );
  });

  app.post("/c/:ref/documents/new", requireSignIn(), async (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    const { db, config } = c.get("deps");
    // Already parsed (and cached) by the CSRF check; the file is held in memory up to the limit.
    const body = await c.req.parseBody();
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const values = { title: text(body.title), description: text(body.description) };
    const file = body.file instanceof File ? body.file : null;
    try {
      validateDocument({ ...values, file });
      if (file!.size > config.maxUploadBytes) throw new UploadTooLargeError(config.maxUploadBytes);
      const stored = await storeUpload(
        fileStoreFor(config.files),
        chunksOf(file!),
        config.maxUploadBytes,
      );
      let created: ReturnType<typeof createDocument>;
      try {
        created = createDocument(db, config.origin, {
          author: c.get("account")!.actor,
          group: access.group,
          title: values.title,
          description: values.description,
          fileName: file!.name,
          file: stored,
        });
      } catch (error) {
        if (!fileInUse(db, stored.sha256))
          await removeStoredFile(fileStoreFor(config.files), stored.storagePath);
        throw error;
      }
      await publishItemChange(federationContext(c), created.item, "create");
      log.info("{author} uploaded {file} ({type}, {size} bytes) to {group}", {
        author: c.get("account")!.actor.iri,
        file: created.document.fileName,
        type: stored.mediaType,
        size: stored.size,
        group: access.group.iri,
      });
      setFlash(c, "Your document has been uploaded.");
      return c.redirect(`${access.path}/documents/${created.item.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <DocumentFormPage
            ctx={pageContext(c)}
            access={access}
            action={`${access.path}/documents/new`}
            heading="Upload a document"
            withFile
            maxUploadBytes={config.maxUploadBytes}
            values={values}
            errors={error.errors}
          />,
          422,
        );
      }
      if (error instanceof UploadTooLargeError) return uploadTooLarge(c);
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  app.get("/c/:ref/documents/:id{[0-9]+}", (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const found = documentIn(c, access);
    if (!found) return documentNotFound(c);
    return renderDocumentPage(c, access, found);
  });

  app.get("/c/:ref/documents/:id{[0-9]+}/download", async (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const found = documentIn(c, access);
    if (!found) return documentNotFound(c);
    const { document } = found;
    // Files from other servers stay there: the browser is sent to their origin.
    if (document.remoteUrl) return c.redirect(document.remoteUrl, 303);
    const files = fileStoreFor(c.get("deps").config.files);
    const key = document.storagePath;
    const missing = () => {
      log.error("The file of document {id} is missing from {store}: {key}", {
        id: found.item.id,
        store: files.description,
        key,
      });
      return documentNotFound(c);
    };
    if (!key) return missing();
    const type = safeMediaType(document.mediaType);
    const headers = new Headers({
      "content-type": type.startsWith("text/") ? `${type}; charset=utf-8` : type,
      "content-disposition": contentDisposition(document.fileName),
      "x-content-type-options": "nosniff",
      // Even if a browser displayed the file, nothing in it could run or load anything.
      "content-security-policy": "default-src 'none'; sandbox",
      // no-transform: a file arrives byte for byte as uploaded, with its length and strong
      // ETag, rather than being re-compressed on every download.
      "cache-control": "private, no-cache, no-transform",
      etag: `"${document.sha256}"`,
    });
    // The ETag is the file's content address, so a browser's copy is current without asking
    // the store anything.
    if (c.req.header("if-none-match") === `"${document.sha256}"`) {
      return new Response(null, { status: 304, headers });
    }
    if (document.size !== null) headers.set("content-length", String(document.size));
    // Streamed from the store as it arrives, from disk or from the bucket alike: one request
    // to the bucket, which answers 404 when the file is gone.
    const stream = await files.stream(key);
    if (!stream) return missing();
    return new Response(stream, { status: 200, headers });
  });

  app.route("/", documentActionRoutes());
  return app;
}
