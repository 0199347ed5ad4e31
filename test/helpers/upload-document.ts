import { expect } from "vitest";
import type { WebClient } from "./client.ts";
import { docxSample } from "./samples.ts";

// Uploading a document goes through a multipart form, which WebClient does not post: this
// sends it as a browser would, with the session and CSRF cookies.

/** Uploads a small .docx to a community's library; the new document's page path. */
export async function uploadDocument(
  origin: string,
  web: WebClient,
  community: string,
  title: string,
): Promise<string> {
  const form = new FormData();
  form.set("_csrf", web.cookie("copse_csrf") ?? "");
  form.set("title", title);
  form.set("description", "Where the gritters go first.");
  form.set("file", new Blob([docxSample()]), "Routes.docx");
  const cookie = ["copse_session", "copse_csrf"]
    .map((name) => `${name}=${web.cookie(name) ?? ""}`)
    .join("; ");
  const response = await fetch(new URL(`/c/${community}/documents/new`, origin), {
    method: "POST",
    headers: { cookie },
    body: form,
    redirect: "manual",
  });
  expect(response.status, await response.text()).toBe(303);
  return response.headers.get("location")!;
}
