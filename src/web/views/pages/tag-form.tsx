import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { TAG_HINT } from "../tags.tsx";

/** The add-a-tag form on its own page, shown again with errors when a tag is refused. */
export function TagFormPage(props: {
  ctx: PageContext;
  itemId: number;
  title: string;
  back: string;
  value: string;
  errors: FieldError[];
}) {
  return (
    <Layout
      ctx={props.ctx}
      title="Add a tag"
      errors={props.errors.length > 0}
      backLink={props.back}
    >
      <ErrorSummary errors={props.errors} />
      <span class="govuk-caption-l">{props.title}</span>
      <form method="post" action={`/items/${props.itemId}/tags`} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="return" value={props.back} />
        <TextInput
          name="tag"
          label="Add a tag"
          isPageHeading
          hint={TAG_HINT}
          value={props.value}
          error={errorFor(props.errors, "tag")}
          width={20}
        />
        <Button>Add tag</Button>
      </form>
    </Layout>
  );
}
