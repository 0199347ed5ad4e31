import type { Child } from "hono/jsx";
import { Button } from "./components.tsx";

// What every compose form shares: a Preview button that sends the form back to be shown as it
// would be published (no JavaScript needed, nothing saved), the preview itself, and a short
// reminder of the Markdown people can type.

/** The value of the `action` field a Preview button sends. */
export const PREVIEW_ACTION = "preview";

/** Whether a submitted form asked for a preview rather than to be saved. */
export function wantsPreview(fields: Record<string, string | undefined>): boolean {
  return fields.action === PREVIEW_ACTION;
}

/** The rendered text, sanitized exactly as it would be published, above the form. */
export function PreviewPanel(props: { html: string | undefined; id?: string }) {
  if (props.html === undefined) return null;
  const id = props.id ?? "preview";
  return (
    <section class="copse-preview" aria-labelledby={`${id}-heading`} id={id}>
      <h2 class="govuk-heading-s" id={`${id}-heading`}>
        Preview (not yet posted)
      </h2>
      {props.html.trim() ? (
        <div class="copse-content govuk-body" dangerouslySetInnerHTML={{ __html: props.html }} />
      ) : (
        <p class="govuk-body">There is nothing to preview yet.</p>
      )}
    </section>
  );
}

/** The post button and, beside it, Preview. */
export function ComposeButtons(props: { children: Child }) {
  return (
    <div class="govuk-button-group">
      <Button>{props.children}</Button>
      <Button variant="secondary" name="action" value={PREVIEW_ACTION}>
        Preview
      </Button>
    </div>
  );
}

/** A short reminder of the Markdown a post understands, folded away until wanted. */
export function FormattingHelp(props: { wiki?: boolean }) {
  return (
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Formatting help</span>
      </summary>
      <div class="govuk-details__text">
        <ul class="govuk-list govuk-list--bullet">
          <li>
            <code>**bold**</code> and <code>_italic_</code>
          </li>
          <li>
            <code>[link text](https://example.org)</code> for a link
          </li>
          <li>
            <code>- item</code> on each line for a list, <code>1. item</code> for a numbered one
          </li>
          <li>
            <code>## Heading</code> for a heading
          </li>
          <li>
            <code>&gt; quoted text</code> for a quote
          </li>
          <li>
            <code>`code`</code> for code
          </li>
          <li>
            <code>@name</code> mentions someone here, <code>@name@server.example</code> someone
            elsewhere; they are told
          </li>
          {props.wiki ? (
            <li>
              <code>[[Page name]]</code> links to a page of this wiki
            </li>
          ) : null}
        </ul>
      </div>
    </details>
  );
}
