import type { Child } from "hono/jsx";
import { errorFor, type FieldError, Radios, Textarea, TextInput } from "./components.tsx";

// The fields a new community and a new sub-community are both made from, so the two forms ask
// in the same words: name, handle, description and who can join. A form's own fields (a
// sub-community's sections) go in between, before the question of who can join.

/** The name, handle, description and "Who can join?" fields of a new (sub-)community. */
export function CommunityFields(props: {
  /** What is being created, as the hints name it. */
  noun: "community" | "sub-community";
  values: { name?: string; handle?: string; description?: string; visibility?: string };
  errors: FieldError[];
  /** Fields shown after the description and before "Who can join?". */
  children?: Child;
}) {
  const { values: v, errors } = props;
  return (
    <>
      <TextInput name="name" label="Name" value={v.name} error={errorFor(errors, "name")} />
      <TextInput
        name="handle"
        label="Handle"
        hint="Used in its address and to follow it from other servers: 2 to 30 lower-case letters, numbers or underscores. It cannot be changed later."
        value={v.handle}
        error={errorFor(errors, "handle")}
        spellcheck={false}
        width={20}
      />
      <Textarea
        name="description"
        label="Description"
        hint={`Who the ${props.noun} is for and what it works on.`}
        value={v.description}
        error={errorFor(errors, "description")}
      />
      {props.children}
      <Radios
        name="visibility"
        legend="Who can join?"
        legendSize="m"
        value={v.visibility}
        error={errorFor(errors, "visibility")}
        items={[
          {
            value: "public",
            text: "Public",
            hint: "Anyone can join at once and see what is posted.",
          },
          {
            value: "private",
            text: "Private",
            hint: "People ask to join and a facilitator decides. Only members see members and posts.",
          },
        ]}
      />
    </>
  );
}
