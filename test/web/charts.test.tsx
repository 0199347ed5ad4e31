import { describe, expect, it } from "vitest";
import { BarChart, describePoints, LineChart, niceCeiling } from "../../src/web/views/charts.tsx";
import { formatDuration } from "../../src/web/views/metrics-figures.tsx";
import {
  ParticipationChart,
  participationSentence,
} from "../../src/web/views/participation-chart.tsx";

/** Renders a Hono JSX node to its HTML string, waiting for any async parts. */
async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const POINTS = [
  { label: "31 Aug", value: 0 },
  { label: "7 Sep", value: 3 },
  { label: "14 Sep", value: 7 },
];

describe("charts", () => {
  it("draws a bar chart as a named image with its figures in a table", async () => {
    const out = await html(
      <BarChart
        id="posts"
        title="Posts per week"
        points={POINTS}
        tableLabels={["31 August 2026", "7 September 2026", "14 September 2026"]}
        labelHeading="Week beginning"
        valueHeading="Posts"
      />,
    );
    expect(out).toContain('role="img"');
    expect(out).toContain('aria-labelledby="posts-title posts-desc"');
    expect(out).toContain('<title id="posts-title">Posts per week</title>');
    expect(out).toContain('viewBox="0 0 640 240"');
    // One bar per point; the zero bar has no height.
    expect(out.match(/<rect /g)).toHaveLength(3);
    expect(out).toMatch(/<rect [^>]*height="0"/);
    // The figures as text, with the fuller labels.
    expect(out).toContain('<details class="govuk-details">');
    expect(out).toContain(
      '<th scope="row" class="govuk-table__header" data-label="Week beginning">14 September 2026</th>',
    );
    expect(out).toContain(
      '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Posts">7</td>',
    );
  });

  it("draws a line chart through every point", async () => {
    const out = await html(
      <LineChart
        id="people"
        title="People posting"
        points={POINTS}
        labelHeading="Week beginning"
        valueHeading="People"
      />,
    );
    expect(out).toContain("<polyline");
    expect(out.match(/<circle /g)).toHaveLength(3);
    expect(out).toContain('<title id="people-title">People posting</title>');
  });

  it("describes the figures and scales the axis to a round number", () => {
    expect(describePoints(POINTS)).toBe(
      "3 values from 31 Aug to 14 Sep; the highest is 7 (14 Sep). The figures are in the table below the chart.",
    );
    expect(describePoints([])).toBe("No figures yet.");
    expect([0, 1, 3, 7, 10, 11, 180].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 200]);
  });

  it("draws the creators, contributors and readers as stacked bars, with the figures in words", async () => {
    const periods = [
      { days: 30, members: 8, creators: 2, contributors: 1, readers: 5 },
      { days: 90, members: 8, creators: 4, contributors: 4, readers: 0 },
    ];
    const out = await html(<ParticipationChart periods={periods} />);
    expect(out).toContain('role="img"');
    expect(out).toContain(
      '<title id="participation-title">Creators, contributors and readers</title>',
    );
    // Each part's width is its share of the 470 units a bar spans; an empty part is not drawn.
    const widths = [
      ...out.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="28" fill="#/g),
    ].map((m) => Number(m[1]));
    expect(widths).toEqual([117.5, 58.75, 293.75, 235, 235]);
    // The counts sit inside the parts, and the same figures are given as sentences.
    expect(out).toMatch(/>5<\/text>/);
    const sentence30 =
      "Last 30 days: 2 creators (25%), 1 contributor (13%), 5 readers (63%) of 8 active members.";
    expect(participationSentence(periods[0]!)).toBe(sentence30);
    expect(out).toContain(`<li>${sentence30}</li>`);
    expect(out).toContain(`<desc id="participation-desc">${sentence30} Last 90 days:`);
    // A key names each colour in words.
    for (const name of ["Creators", "Contributors", "Readers"])
      expect(out).toContain(`</svg> ${name}</li>`);
    expect(
      participationSentence({ days: 30, members: 0, creators: 0, contributors: 0, readers: 0 }),
    ).toBe("Last 30 days: no active members.");
  });

  it("says durations in words", () => {
    expect(formatDuration(45 * 60_000)).toBe("45 minutes");
    expect(formatDuration(60 * 60_000)).toBe("1 hour");
    expect(formatDuration(185 * 60_000)).toBe("3 hours 5 minutes");
    expect(formatDuration(52 * 3_600_000)).toBe("2 days 4 hours");
  });
});
