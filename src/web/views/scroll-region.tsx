import type { Child } from "hono/jsx";

// Wide data tables on narrow screens. WCAG 1.4.10 (Reflow) lets a data table scroll sideways
// at 320 CSS pixels, but only the table, never the whole page; and a region that scrolls must
// be reachable by keyboard (so it can be scrolled with the arrow keys) and named, so a screen
// reader says what it is when it takes focus.

/** A named, focusable region that scrolls sideways when its table is wider than the screen. */
export function ScrollRegion(props: { label: string; children: Child }) {
  return (
    <section class="copse-scroll-region" aria-label={props.label} tabindex={0}>
      {props.children}
    </section>
  );
}
