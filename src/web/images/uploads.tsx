import { type Context, Hono, type MiddlewareHandler } from "hono";
import { ValidationError } from "../../domain/errors.ts";
import { isPublicImage, mayViewUploadedImage } from "../../domain/images/access.ts";
import {
  getUploadedImage,
  imageMarkdown,
  MAX_ALT_LENGTH,
  MAX_IMAGE_UPLOAD_BYTES,
  storeUploadedImage,
  uploadedImagePath,
} from "../../domain/images/uploads.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { logger } from "../../logging.ts";
import { requireSignIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { isPhotoUpload } from "../routes/people-media.ts";
import { uploadLimit } from "../upload-limit.ts";
import { TooLargePage } from "../views/errors.tsx";
import {
  ADD_IMAGE_ACTION,
  IMAGE_ALT_FIELD,
  IMAGE_FIELD,
  IMAGE_INTO_FIELD,
} from "../views/image-upload.tsx";
import type { ImageUploadOutcome } from "../views/page-context.ts";
import { PREVIEW_ACTION } from "../views/writing.tsx";

// Pictures in what people write: the "Add image" button of writing forms (no JavaScript
// needed), the upload the page's script makes when a picture is pasted or dropped, and the
// pictures themselves, served only to people who may read a post that shows them.

type C = Context<AppEnv>;

const log = logger("web", "images");

// The form's text (up to 100,000 characters) and its other fields, beside the picture.
const FORM_OVERHEAD_BYTES = 512 * 1024;
const UPLOAD_PATH = "/media/uploads";
const FILE_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.webp$/;

function isMultipart(c: C): boolean {
  return (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * Whether a request may carry a picture for a text: a writing form sent as multipart, or the
 * script's upload. Document and photo uploads have limits of their own.
 */
export function isImageUpload(c: C, isDocumentUpload: (c: C) => boolean): boolean {
  return c.req.method === "POST" && isMultipart(c) && !isDocumentUpload(c) && !isPhotoUpload(c);
}

/** Caps writing forms that carry a picture at the picture limit, before anything reads them. */
export function imageUploadLimit(isDocumentUpload: (c: C) => boolean): MiddlewareHandler<AppEnv> {
  return uploadLimit({
    applies: (c) => isImageUpload(c, isDocumentUpload),
    maxBytes: MAX_IMAGE_UPLOAD_BYTES + FORM_OVERHEAD_BYTES,
    tooLarge: (c) =>
      render(
        c,
        <TooLargePage
          ctx={pageContext(c)}
          heading="The image is too large"
          message="An image must be smaller than 10 MB. Nothing was saved: go back, choose a smaller image and try again."
        />,
        413,
      ),
  });
}

/** Stores the picture a form or script sent, for the signed-in writer; throws a ValidationError. */
async function storeSent(c: C, file: FormDataEntryValue | null, alt: string) {
  const { db, config } = c.get("deps");
  const writer = c.get("account")!.actor;
  if (!(file instanceof File) || file.size === 0) {
    throw new ValidationError([{ field: "image", message: "Choose an image to add" }]);
  }
  if (alt.length > MAX_ALT_LENGTH) {
    throw new ValidationError([
      {
        field: "alt",
        message: `The description must be ${MAX_ALT_LENGTH} characters or fewer`,
      },
    ]);
  }
  const image = await storeUploadedImage(
    db,
    fileStoreFor(config.files),
    writer.id,
    new Uint8Array(await file.arrayBuffer()),
  );
  log.info("{writer} uploaded picture {uuid}", { writer: writer.handle, uuid: image.uuid });
  return { image, markdown: imageMarkdown(alt, config.origin + uploadedImagePath(image)) };
}

function firstProblem(error: ValidationError): { field: "image" | "alt"; message: string } {
  const first = error.errors[0]!;
  return { field: first.field === "alt" ? "alt" : "image", message: first.message };
}

/**
 * The "Add image" button of a writing form: stores the picture, adds its Markdown to the end
 * of the text the form names, and lets the form's own route answer as for Preview, so the
 * writer sees the form again with everything they typed, the picture in the text and in the
 * preview. Runs after the CSRF check, which has read the form; the route reads the same form.
 */
export function addImageToText(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== "POST" || !isMultipart(c) || !c.get("account")) return next();
    const form = await c.req.formData();
    const into = form.get(IMAGE_INTO_FIELD);
    // A picture chosen but not yet added (the writer pressed Enter in its description, or the
    // main button) is added rather than dropped: the form comes back to be checked and sent.
    const file = form.get(IMAGE_FIELD);
    const chosen = file instanceof File && file.size > 0;
    if ((form.get("action") !== ADD_IMAGE_ACTION && !chosen) || typeof into !== "string") {
      return next();
    }
    const text = form.get(into);
    const alt = String(form.get(IMAGE_ALT_FIELD) ?? "").trim();
    form.set("action", PREVIEW_ACTION);
    let outcome: ImageUploadOutcome = { alt };
    if (typeof text === "string") {
      try {
        if (!alt) {
          throw new ValidationError([
            { field: "alt", message: "Describe the image for people who cannot see it" },
          ]);
        }
        const { markdown } = await storeSent(c, file, alt);
        form.set(into, `${text.trimEnd()}${text.trim() ? "\n\n" : ""}${markdown}\n`);
        outcome = { alt, added: true };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        log.info("Refused a picture for a text: {reason}", { reason: error.message });
        outcome = { alt, error: firstProblem(error) };
      }
    }
    form.delete(IMAGE_FIELD);
    c.set("imageUpload", outcome);
    return next();
  };
}

/** Uploads for the writing script, and the uploaded pictures themselves. */
export function imageUploadRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // The script's upload: JSON in, JSON out, so it can put the Markdown where the cursor is.
  app.post(UPLOAD_PATH, requireSignIn(), async (c) => {
    const form = await c.req.formData();
    try {
      const alt = String(form.get("alt") ?? "").trim();
      const { image, markdown } = await storeSent(c, form.get(IMAGE_FIELD), alt);
      return c.json({ url: uploadedImagePath(image), markdown }, 201);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      log.info("Refused a pasted picture: {reason}", { reason: error.message });
      return c.json({ error: error.errors[0]!.message }, 422);
    }
  });

  app.get(`${UPLOAD_PATH}/:file`, async (c) => {
    const { db, config } = c.get("deps");
    const uuid = FILE_NAME.exec(c.req.param("file"))?.[1];
    const image = uuid ? getUploadedImage(db, uuid) : undefined;
    // Whoever may not see it is told it does not exist, signed in or not.
    if (!image || !mayViewUploadedImage(db, image, c.get("account")?.actor.id)) {
      return c.notFound();
    }
    const bytes = await fileStoreFor(config.files).get(image.storagePath);
    if (!bytes) return c.notFound();
    // A picture never changes under its address, so it may be kept for good; one that only
    // members (or its uploader) may see is kept by their browser alone, never a shared cache.
    const scope = isPublicImage(db, image) ? "public" : "private";
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": "image/webp",
      "cache-control": `${scope}, max-age=31536000, immutable`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    });
  });

  return app;
}
