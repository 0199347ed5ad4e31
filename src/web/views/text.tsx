/** Plain text shown as paragraphs, keeping the writer's line breaks; JSX escapes every character. */
export function MultilineText(props: { text: string }) {
  return (
    <>
      {props.text.split(/\n{2,}/).map((para) => (
        <p class="govuk-body copse-prewrap">{para}</p>
      ))}
    </>
  );
}
