import { MAX_ALT_LENGTH } from "../../domain/images/uploads.ts";
import { WRITING_SCRIPT_PATH } from "../routes/live-script.ts";
import { Button, FileUpload, TextInput } from "./components.tsx";
import type { PageContext } from "./page-context.ts";

// "Add an image" under a text box. Without JavaScript the form is sent with the picture and
// its alt text; the server stores the picture, adds `![alt](address)` to the end of the text
// and shows the form again with a preview (src/web/images/uploads.tsx). With JavaScript, a
// picture pasted or dropped into the text box is uploaded at once (src/web/assets/writing.js).

/** The value of the `action` field the "Add image" button sends. */
export const ADD_IMAGE_ACTION = "add-image";
/** The field naming the text box a picture is added to. */
export const IMAGE_INTO_FIELD = "image_into";
/** The file field. */
export const IMAGE_FIELD = "image";
/** The alt text field. */
export const IMAGE_ALT_FIELD = "image_alt";

/** The formats offered by the file chooser (the server checks the bytes whatever it says). */
const ACCEPT = "image/jpeg,image/png,image/webp,image/gif";

/**
 * A copy of the form's main button placed before "Add image". Pressing Enter in a one-line
 * field (such as Title) clicks the form's first submit button, which would otherwise be "Add
 * image" and answer "Choose an image to add". It sends what the main button sends (no `action`,
 * or the one given), so the form is posted (or its errors shown). It is kept out of sight, out of the tab order and out
 * of the accessibility tree, so nobody meets two buttons; it stays laid out (not display:none),
 * which every browser accepts for implicit submission.
 */
function MainActionFirst(props: { action: string | undefined }) {
  // The wrapper carries aria-hidden (axe's accepted form: hidden content whose button is out
  // of the tab order); the button itself stays an ordinary submit button for the browser.
  return (
    <div class="govuk-visually-hidden" aria-hidden="true">
      <button
        type="submit"
        name={props.action === undefined ? undefined : "action"}
        value={props.action}
        tabindex={-1}
      >
        Send
      </button>
    </div>
  );
}

/**
 * The "Add an image" fields for the text box named `into` (its id is `textareaId`). The form
 * around it must be sent as multipart/form-data and must offer a preview. `mainAction` is the
 * `action` value of the form's main button, when it sends one.
 */
export function ImageUpload(props: {
  ctx: PageContext;
  into: string;
  textareaId: string;
  mainAction?: string;
}) {
  const outcome = props.ctx.imageUpload;
  const error = outcome?.error;
  return (
    <div
      class="copse-image-upload"
      data-image-upload={props.textareaId}
      data-upload-url="/media/uploads"
    >
      <MainActionFirst action={props.mainAction} />
      <input type="hidden" name={IMAGE_INTO_FIELD} value={props.into} />
      <fieldset class="govuk-fieldset" aria-describedby={`${props.textareaId}-image-hint`}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Add an image</legend>
        <div class="govuk-hint" id={`${props.textareaId}-image-hint`}>
          A JPEG, PNG, GIF or WebP picture up to 10 MB. It is added to the end of your text, and its
          location and other details are removed.
        </div>
        {outcome?.added ? (
          <p class="govuk-body govuk-!-font-weight-bold" role="status">
            The image was added to the end of your text. Check the preview.
          </p>
        ) : null}
        <FileUpload
          name={IMAGE_FIELD}
          id={`${props.textareaId}-image`}
          label="Image file"
          accept={ACCEPT}
          error={error?.field === "image" ? error.message : undefined}
        />
        <TextInput
          name={IMAGE_ALT_FIELD}
          id={`${props.textareaId}-image-alt`}
          label="Describe the image"
          hint={`For people who cannot see it, for example "Gritter spreading salt on a snowy road". At most ${MAX_ALT_LENGTH} characters.`}
          value={outcome?.added ? "" : outcome?.alt}
          error={error?.field === "alt" ? error.message : undefined}
        />
        <Button variant="secondary" name="action" value={ADD_IMAGE_ACTION}>
          Add image
        </Button>
      </fieldset>
      <script src={WRITING_SCRIPT_PATH} defer />
    </div>
  );
}
