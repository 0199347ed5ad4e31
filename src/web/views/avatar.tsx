import { type Child, createContext, useContext } from "hono/jsx";
import { initialsOf, toneOf } from "../../domain/faces.ts";
import { avatarSrc, type FaceLookup, type FacePerson, NO_FACE } from "../faces.ts";
import { cx } from "./components/classes.ts";

// A person's photo, or their initials on a coloured circle, beside their name. render() puts
// the request's face look-up in FacesContext, so a list passes people as it already has them
// and each avatar finds its own picture (once per person per request).

/** The request's face look-up; without one (a page rendered outside render()) initials show. */
export const FacesContext = createContext<FaceLookup>(() => NO_FACE);

const SIZES = {
  /** Beside a name in a list or above a post. */
  small: { css: 32, image: 48 },
  /** At the top of a profile. */
  large: { css: 128, image: 128 },
} as const;

/**
 * A person's avatar. By default it is decorative (`alt=""`, initials hidden from screen
 * readers) because the name is shown next to it; pass `label` when it stands alone.
 */
export function Avatar(props: { person: FacePerson; size?: keyof typeof SIZES; label?: string }) {
  const faces = useContext(FacesContext);
  const size = SIZES[props.size ?? "small"];
  const src = avatarSrc(props.person, faces(props.person.id), size.image);
  const classes = cx("copse-avatar", props.size === "large" && "copse-avatar--large");
  if (src) {
    return (
      <img
        class={classes}
        src={src}
        alt={props.label ?? ""}
        width={size.css}
        height={size.css}
        // A profile's own photo is the top of its page; list avatars load as they scroll in.
        loading={props.size === "large" ? undefined : "lazy"}
        decoding="async"
      />
    );
  }
  const name = props.person.name || props.person.handle;
  // The stylesheet draws the initials from data-initials, so they stay out of the page's text
  // (copying a byline, or reading it as text, gives the name once). Beside the name they are
  // hidden from screen readers; standing alone, the circle is an image named after the person.
  const a11y = props.label
    ? { role: "img", "aria-label": props.label }
    : { "aria-hidden": "true" as const };
  return (
    <span
      class={cx(classes, "copse-avatar--initials", `copse-avatar--tone-${toneOf(name)}`)}
      data-initials={initialsOf(props.person.name, props.person.handle)}
      {...a11y}
    />
  );
}

/** An avatar followed by what names the person (usually their linked name). */
export function WithAvatar(props: { person: FacePerson; children: Child }) {
  return (
    <span class="copse-byline">
      <Avatar person={props.person} />
      <span class="copse-byline__name">{props.children}</span>
    </span>
  );
}
