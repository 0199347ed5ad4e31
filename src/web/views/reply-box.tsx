import type { ItemRow } from "../../domain/items.ts";
import { CsrfField, Textarea } from "./components.tsx";
import { ImageUpload } from "./image-upload.tsx";
import type { PageContext } from "./layout.tsx";
import { ComposeButtons, FormattingHelp, PreviewPanel } from "./writing.tsx";

/** A reply being written: what it answers, its text, and its preview or error. */
export interface ReplyDraft {
  parentId: number;
  body: string;
  preview?: string;
  error?: string;
}

/** The reply box under the thread, open for everyone who may reply. */
export function ReplyBox(props: {
  ctx: PageContext;
  topicPath: string;
  topic: ItemRow;
  draft: ReplyDraft | undefined;
}) {
  const { draft } = props;
  return (
    <section class="copse-reply-box" aria-labelledby="reply-box-heading" id="reply">
      <h2 class="govuk-heading-m" id="reply-box-heading">
        {draft && draft.parentId !== props.topic.id ? "Your reply" : "Reply to this topic"}
      </h2>
      <PreviewPanel html={draft?.preview} id="reply-preview" />
      <form
        method="post"
        action={`${props.topicPath}/reply#reply`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="parent" value={String(draft?.parentId ?? props.topic.id)} />
        <Textarea
          name="body"
          id="reply-body"
          label="Your reply"
          value={draft?.body}
          error={draft?.error}
          rows={6}
        />
        <FormattingHelp />
        <ImageUpload ctx={props.ctx} into="body" textareaId="reply-body" />
        <ComposeButtons>Post reply</ComposeButtons>
      </form>
    </section>
  );
}
