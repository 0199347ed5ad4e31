import { type Participation, percentOf } from "../../domain/metrics/participation.ts";

// The creators / contributors / readers split as one stacked bar per period, drawn as SVG on
// the server. Colour is never the only clue: each part wide enough carries its count, a legend
// names the parts, and the figures follow in sentences (and in the table the page shows too).

const WIDTH = 640;
// Wide enough for "Last 90 days" at the larger text narrow screens get (copse-chart__text).
const LABEL_WIDTH = 150;
const BAR_LEFT = LABEL_WIDTH + 8;
const BAR_WIDTH = WIDTH - BAR_LEFT - 12;
const ROW_HEIGHT = 44;
const BAR_HEIGHT = 28;
const TOP = 8;
/** A part narrower than this has no room for its count inside it. */
const MIN_LABEL_WIDTH = 28;
const TEXT = "#0b0c0c";
const OUTLINE = "#505a5f";

/** The three parts, in the order they are stacked, with colours and the ink readable on them. */
const PARTS = [
  { key: "creators", name: "Creators", one: "creator", fill: "#1d70b8", ink: "#ffffff" },
  { key: "contributors", name: "Contributors", one: "contributor", fill: "#5694ca", ink: TEXT },
  { key: "readers", name: "Readers", one: "reader", fill: "#f3f2f1", ink: TEXT },
] as const;

/** "3 creators (50%)": a part of a period as words. */
function partInWords(part: (typeof PARTS)[number], p: Participation): string {
  const count = p[part.key];
  const noun = count === 1 ? part.one : part.name.toLowerCase();
  return `${count} ${noun} (${percentOf(count, p.members)})`;
}

/** One period's split as a sentence: "Last 30 days: 3 creators (50%), … of 6 members." */
export function participationSentence(p: Participation): string {
  if (p.members === 0) return `Last ${p.days} days: no active members.`;
  const parts = PARTS.map((part) => partInWords(part, p));
  const members = p.members === 1 ? "1 active member" : `${p.members} active members`;
  return `Last ${p.days} days: ${parts.join(", ")} of ${members}.`;
}

/** One period's bar: its label, the three parts side by side, and each part's count inside it. */
function Bar(props: { period: Participation; row: number }) {
  const p = props.period;
  const y = TOP + props.row * ROW_HEIGHT;
  let x = BAR_LEFT;
  const parts = PARTS.map((part) => {
    const width = p.members === 0 ? 0 : (p[part.key] / p.members) * BAR_WIDTH;
    const at = x;
    x += width;
    return { part, x: at, width, count: p[part.key] };
  });
  return (
    <g>
      <text x={LABEL_WIDTH} y={y + BAR_HEIGHT / 2 + 4} text-anchor="end" fill={TEXT}>
        Last {p.days} days
      </text>
      {parts.map((s) =>
        s.width > 0 ? (
          <rect x={s.x} y={y} width={s.width} height={BAR_HEIGHT} fill={s.part.fill} />
        ) : null,
      )}
      {/* White gaps between the parts and an outline keep them apart without relying on hue. */}
      {parts
        .slice(1)
        .map((s) =>
          s.width > 0 && s.x > BAR_LEFT ? (
            <line x1={s.x} x2={s.x} y1={y} y2={y + BAR_HEIGHT} stroke="#ffffff" stroke-width="2" />
          ) : null,
        )}
      <rect
        x={BAR_LEFT}
        y={y}
        width={BAR_WIDTH}
        height={BAR_HEIGHT}
        fill="none"
        stroke={OUTLINE}
        stroke-width="1"
      />
      {parts.map((s) =>
        s.width >= MIN_LABEL_WIDTH ? (
          <text
            x={s.x + s.width / 2}
            y={y + BAR_HEIGHT / 2 + 4}
            text-anchor="middle"
            fill={s.part.ink}
          >
            {s.count}
          </text>
        ) : null,
      )}
    </g>
  );
}

/** A small square in a part's colour, for the legend; the word beside it says which part. */
function Swatch(props: { fill: string }) {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="0.5" y="0.5" width="15" height="15" fill={props.fill} stroke={OUTLINE} />
    </svg>
  );
}

/** The split of every period as a stacked bar chart, with a legend and the figures as text. */
export function ParticipationChart(props: { periods: readonly Participation[] }) {
  const { periods } = props;
  const height = TOP * 2 + periods.length * ROW_HEIGHT - (ROW_HEIGHT - BAR_HEIGHT);
  const title = "Creators, contributors and readers";
  const sentences = periods.map(participationSentence);
  return (
    <figure class="copse-chart">
      <figcaption class="govuk-body govuk-!-font-weight-bold">{title}</figcaption>
      <svg
        class="copse-chart__image"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby="participation-title participation-desc"
        focusable="false"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="participation-title">{title}</title>
        <desc id="participation-desc">{sentences.join(" ")}</desc>
        <g class="copse-chart__text" font-family="Arial, sans-serif" font-size="14">
          {periods.map((period, row) => (
            <Bar period={period} row={row} />
          ))}
        </g>
      </svg>
      <ul class="govuk-list" aria-label="Key">
        {PARTS.map((part) => (
          <li>
            <Swatch fill={part.fill} /> {part.name}
          </li>
        ))}
      </ul>
      <ul class="govuk-list govuk-list--bullet">
        {sentences.map((sentence) => (
          <li>{sentence}</li>
        ))}
      </ul>
    </figure>
  );
}
