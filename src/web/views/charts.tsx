import type { Child } from "hono/jsx";
import { Table } from "./components.tsx";

// Simple trend charts drawn as SVG on the server, so they need no client library and show
// without JavaScript. Each chart is an image with an accessible name (its <title>) and a short
// description, and every figure it draws is also given as text in a table under a <details>, so
// nobody depends on reading the picture. Colours meet the 3:1 contrast WCAG asks of graphics.

/** One value of a chart: a label on the horizontal axis and a non-negative number. */
export interface ChartPoint {
  label: string;
  value: number;
}

/** What every chart needs: an id (unique on the page), a title and the points to draw. */
export interface ChartProps {
  id: string;
  title: string;
  points: readonly ChartPoint[];
  /** Heading of the table's label column, e.g. "Week beginning". */
  labelHeading: string;
  /** Heading of the table's value column, e.g. "Posts". */
  valueHeading: string;
  /** Labels to show in the table when they should be fuller than the axis's (same order). */
  tableLabels?: readonly string[];
}

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 44;
const RIGHT = 12;
const TOP = 20;
const BOTTOM = 36;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
/** GOV.UK blue: 5.2:1 against white. */
const INK = "#1d70b8";
/** GOV.UK text and secondary text colours. */
const TEXT = "#0b0c0c";
const AXIS = "#505a5f";
const GRID = "#b1b4b6";

/** The smallest "round" number (1, 2 or 5 times a power of ten) at least as big as `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (max <= step * power) return step * power;
  return 10 * power;
}

/** A sentence summing a chart up for screen readers: its range and its highest value. */
export function describePoints(points: readonly ChartPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return "No figures yet.";
  const highest = points.reduce((best, p) => (p.value > best.value ? p : best), first);
  return `${points.length} values from ${first.label} to ${last.label}; the highest is ${highest.value} (${highest.label}). The figures are in the table below the chart.`;
}

/** The vertical position of a value on a scale from 0 to `top`. */
function yOf(value: number, top: number): number {
  return TOP + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT;
}

/** The axes, the horizontal grid lines with their values, and the labels under each point. */
function Frame(props: { points: readonly ChartPoint[]; top: number; slot: number }) {
  // Counts are whole numbers, so a half-way line is drawn only where it falls on one.
  const ticks = props.top % 2 === 0 ? [0, props.top / 2, props.top] : [0, props.top];
  return (
    <g class="copse-chart__text" font-family="Arial, sans-serif" font-size="12" fill={TEXT}>
      {ticks.map((tick) => (
        <g>
          <line
            x1={LEFT}
            x2={WIDTH - RIGHT}
            y1={yOf(tick, props.top)}
            y2={yOf(tick, props.top)}
            stroke={tick === 0 ? AXIS : GRID}
            stroke-width="1"
          />
          <text x={LEFT - 6} y={yOf(tick, props.top) + 4} text-anchor="end">
            {tick}
          </text>
        </g>
      ))}
      {/* Their own group, so narrow screens can thin them out (copse.scss). */}
      <g class="copse-chart__axis-labels">
        {props.points.map((point, index) => (
          <text x={LEFT + props.slot * (index + 0.5)} y={HEIGHT - BOTTOM + 18} text-anchor="middle">
            {point.label}
          </text>
        ))}
      </g>
    </g>
  );
}

/** The chart as an image, followed by its figures as a table under a <details>. */
function ChartFigure(props: ChartProps & { children: Child }) {
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <figure class="copse-chart">
      <figcaption class="govuk-body govuk-!-font-weight-bold">{props.title}</figcaption>
      <svg
        class="copse-chart__image"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        focusable="false"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{describePoints(props.points)}</desc>
        {props.children}
      </svg>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">Show the figures: {props.title}</span>
        </summary>
        <div class="govuk-details__text">
          <Table
            caption={props.title}
            head={[props.labelHeading, props.valueHeading]}
            rows={props.points.map((p, i) => [props.tableLabels?.[i] ?? p.label, p.value])}
            firstCellIsHeader
            numericColumns={[1]}
          />
        </div>
      </details>
    </figure>
  );
}

/** A bar chart of values (counts per week, for instance), with each bar's value above it. */
export function BarChart(props: ChartProps) {
  const top = niceCeiling(Math.max(0, ...props.points.map((p) => p.value)));
  const slot = PLOT_WIDTH / Math.max(1, props.points.length);
  const barWidth = Math.min(40, slot * 0.7);
  return (
    <ChartFigure {...props}>
      <Frame points={props.points} top={top} slot={slot} />
      <g fill={INK}>
        {props.points.map((point, index) => {
          const y = yOf(point.value, top);
          return (
            <rect
              x={LEFT + slot * (index + 0.5) - barWidth / 2}
              y={y}
              width={barWidth}
              height={TOP + PLOT_HEIGHT - y}
            />
          );
        })}
      </g>
      <g
        class="copse-chart__text"
        font-family="Arial, sans-serif"
        font-size="12"
        fill={TEXT}
        text-anchor="middle"
      >
        {props.points.map((point, index) =>
          point.value > 0 ? (
            <text x={LEFT + slot * (index + 0.5)} y={yOf(point.value, top) - 4}>
              {point.value}
            </text>
          ) : null,
        )}
      </g>
    </ChartFigure>
  );
}

/** A line chart of values over time, with a marker on each point. */
export function LineChart(props: ChartProps) {
  const top = niceCeiling(Math.max(0, ...props.points.map((p) => p.value)));
  const slot = PLOT_WIDTH / Math.max(1, props.points.length);
  const coordinates = props.points.map((point, index) => ({
    x: LEFT + slot * (index + 0.5),
    y: yOf(point.value, top),
  }));
  return (
    <ChartFigure {...props}>
      <Frame points={props.points} top={top} slot={slot} />
      <polyline
        points={coordinates.map((c) => `${c.x},${c.y}`).join(" ")}
        fill="none"
        stroke={INK}
        stroke-width="3"
      />
      <g fill={INK}>
        {coordinates.map((c) => (
          <circle cx={c.x} cy={c.y} r="4" />
        ))}
      </g>
    </ChartFigure>
  );
}
