import {
  type Object as APObject,
  Article,
  Audio,
  Document,
  Image,
  Link,
  Note,
  Video,
} from "@fedify/vocab";
import type { Db } from "../../db/client.ts";
import type { ActorRow } from "../../domain/actors.ts";
import { type DocumentRow, getDocument } from "../../domain/documents.ts";
import { describeSize } from "../../domain/files.ts";
import type { ItemRow } from "../../domain/items.ts";
import { itemPagePath } from "../../domain/paths.ts";

// A document federates as an Article (name = title, content = description plus a download
// link) with the file as a `Document` attachment, so Mastodon shows the title, the text and
// the link, and other Copse servers recognise it as a library entry.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Where a document's file is downloaded: its own server's download route. */
export function documentDownloadUrl(
  item: Pick<ItemRow, "id" | "kind" | "rootId">,
  group: ActorRow,
  origin: string,
): URL {
  return new URL(`${itemPagePath(item, group)}/download`, origin);
}

/** The `Document` attachment describing a local file. */
export function documentAttachment(document: DocumentRow, downloadUrl: URL): Document {
  return new Document({
    url: downloadUrl,
    mediaType: document.mediaType,
    name: document.fileName,
  });
}

/**
 * Adds the file to a local document item's Article: the attachment, and a download link at
 * the end of the content for software that ignores attachments.
 */
export function withDocumentAttachment(
  db: Db,
  origin: string,
  item: ItemRow,
  group: ActorRow | undefined,
  object: APObject,
): APObject {
  const document = getDocument(db, item.id);
  if (!document || !group || !(object instanceof Article)) return object;
  const url = documentDownloadUrl(item, group, origin);
  const size = document.size === null ? "" : `, ${describeSize(document.size)}`;
  const link = `<p><a href="${escapeHtml(url.href)}">Download ${escapeHtml(document.fileName)}</a>${escapeHtml(size)}</p>`;
  return object.clone({
    content: `${object.content?.toString() ?? ""}${link}`,
    attachments: [documentAttachment(document, url)],
  });
}

/** What Copse keeps of a file attached to a remote post. */
export interface RemoteDocumentData {
  fileName: string;
  mediaType: string;
  remoteUrl: string;
}

// Attachments that are not embedded would need a fetch each; documents always embed them.
const refuseLoading = async (): Promise<never> => {
  throw new Error("Attachments are not fetched");
};

/**
 * The file a remote post shares, if it is a document: an Article with a `Document`
 * attachment, or a Note whose `Document` is not a picture, video or sound (Mastodon sends
 * photos as `Document`s on Notes; those posts stay forum topics). Replies are never documents.
 */
export async function remoteDocumentOf(object: APObject): Promise<RemoteDocumentData | null> {
  if (!(object instanceof Article || object instanceof Note) || object.replyTargetId) return null;
  const attachments = object.getAttachments({
    documentLoader: refuseLoading,
    suppressError: true,
  });
  for await (const attachment of attachments) {
    if (!(attachment instanceof Document)) continue;
    if (attachment instanceof Image || attachment instanceof Audio || attachment instanceof Video)
      continue;
    const mediaType = attachment.mediaType ?? "application/octet-stream";
    if (object instanceof Note && /^(image|video|audio)\//i.test(mediaType)) continue;
    const url =
      attachment.url instanceof URL
        ? attachment.url
        : attachment.url instanceof Link
          ? attachment.url.href
          : null;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) continue;
    const lastPart = url.pathname.split("/").pop() ?? "";
    const fallbackName = safeDecode(lastPart) || "file";
    return {
      fileName: attachment.name?.toString() || fallbackName,
      mediaType,
      remoteUrl: url.href,
    };
  }
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
