import { type Object as APObject, Document, Image, Link } from "@fedify/vocab";
import type { RemoteMedia } from "../../domain/item-media.ts";

// Link and image posts as the threadiverse sends them. Lemmy sends a link post's link as an
// `attachment` of type `Link` (`href`, `mediaType`), an image post as a `Link` to the picture
// (its `mediaType` image/*, or the same address as `image`), a picture uploaded with the post
// as an `Image` attachment whose `name` is the alt text, and the preview as `image`
// (crates/apub/objects/src/protocol/page.rs: Attachment::Link, ::Image, ::Document).
// Mbin and PieFed send the same shapes; Mastodon sends pictures as `Document`s with an image
// `mediaType`. Only embedded attachments are read: an attachment given by address is not
// fetched, as for documents (src/federation/vocab/documents.ts).

/** How many pictures of one post are kept; the rest are shown as links by their sender only. */
export const MAX_IMAGES = 4;

const refuseLoading = async (): Promise<never> => {
  throw new Error("Attachments are not fetched");
};

const IMAGE_PATH = /\.(png|jpe?g|gif|webp|avif)$/i;

function webAddress(value: unknown): URL | null {
  const url = value instanceof URL ? value : value instanceof Link ? value.href : null;
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url : null;
}

/** The addresses of the pictures a post's HTML content shows inline, made absolute. */
function inlinePictures(object: APObject): Set<string> {
  const html = object.content?.toString() ?? "";
  const found = new Set<string>();
  for (const match of html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/gi)) {
    try {
      found.add(new URL(match[1]!.replace(/&amp;/g, "&"), object.id ?? undefined).href);
    } catch {
      // Not an address: nothing to match an attachment against.
    }
  }
  return found;
}

/**
 * The link and pictures a remote post carries besides its text. A `Link` to a picture is the
 * picture of an image post, not a link to share; everything else a `Link` names is the link.
 */
export async function remoteMediaOf(object: APObject): Promise<RemoteMedia> {
  const loading = { documentLoader: refuseLoading, suppressError: true };
  const preview = await object.getImage(loading).catch(() => null);
  const previewUrl = preview ? webAddress(preview.url) : null;
  let link: RemoteMedia["link"] = null;
  const images: RemoteMedia["images"] = [];
  // A picture the text already shows inline (as Copse sends them: an <img> in the content and
  // the same picture as an attachment, for Mastodon) is not shown a second time under it.
  const inline = inlinePictures(object);
  const addImage = (url: URL | null, alt: string) => {
    if (!url || images.length >= MAX_IMAGES || inline.has(url.href)) return;
    const known = images.find((i) => i.url === url.href);
    if (known) known.alt ||= alt;
    else images.push({ url: url.href, alt });
  };
  for await (const attachment of object.getAttachments(loading)) {
    if (attachment instanceof Link) {
      const href = webAddress(attachment.href);
      if (!href) continue;
      const isPicture =
        /^image\//i.test(attachment.mediaType ?? "") ||
        href.href === previewUrl?.href ||
        (!attachment.mediaType && IMAGE_PATH.test(href.pathname));
      if (isPicture) addImage(href, attachment.name?.toString() ?? "");
      else link ??= { href: href.href, title: attachment.name?.toString().trim() ?? "" };
    } else if (attachment instanceof Image) {
      addImage(webAddress(attachment.url), attachment.name?.toString() ?? "");
    } else if (attachment instanceof Document && /^image\//i.test(attachment.mediaType ?? "")) {
      addImage(webAddress(attachment.url), attachment.name?.toString() ?? "");
    }
  }
  // The preview is the picture when the post has no other (Lemmy's thumbnail of a link).
  if (preview && images.length === 0) addImage(previewUrl, preview.name?.toString() ?? "");
  return { link, images };
}
