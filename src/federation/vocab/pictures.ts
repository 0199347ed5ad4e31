import { Image } from "@fedify/vocab";
import type { ImageInText } from "../../domain/images/uploads.ts";
import { uploadedImagePath } from "../../domain/images/uploads.ts";

// Pictures people here put into a post travel twice: inline, as the <img> of the post's HTML
// `content` (Copse, Lemmy's Markdown `source`, and most readers show them there), and as
// `Image` attachments with the alt text as `name`, because Mastodon strips <img> from content
// and shows a post's pictures only from `attachment` (with `name` as their description).
// Only public posts carry attachments: a members-only post's pictures are served to signed-in
// members here alone, so another server could not fetch them anyway.

/** The `Image` attachments of a public post's uploaded pictures. */
export function pictureAttachments(pictures: ImageInText[], origin: string): Image[] {
  return pictures.map(
    ({ image, alt }) =>
      new Image({
        url: new URL(uploadedImagePath(image), origin),
        mediaType: "image/webp",
        name: alt,
        width: image.width,
        height: image.height,
      }),
  );
}
