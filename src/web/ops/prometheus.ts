// The Prometheus text exposition format (version 0.0.4), written by hand: a few counters, one
// histogram and some gauges need no library.

/** One sample: label values and a number. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** One metric family: its name, help text, type and samples. */
export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: (Sample & { suffix?: string })[];
}

/** Escapes a label value as the format requires: backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

/** Writes metric families as Prometheus text. */
export function exposition(families: Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replaceAll("\n", " ")}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText =
        labels.length === 0
          ? ""
          : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
      lines.push(`${family.name}${sample.suffix ?? ""}${labelText} ${formatNumber(sample.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Upper bounds of the request duration histogram, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RouteSeries {
  labels: Record<string, string>;
  count: number;
  /** Requests per status code. */
  statuses: Map<string, number>;
  sum: number;
  buckets: number[];
}

/** Counts HTTP requests by route, method and status, with a latency histogram per route. */
export class HttpMetrics {
  readonly #series = new Map<string, RouteSeries>();

  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: { method, route },
        count: 0,
        statuses: new Map(),
        sum: 0,
        buckets: DURATION_BUCKETS.map(() => 0),
      };
      this.#series.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    const code = String(status);
    series.statuses.set(code, (series.statuses.get(code) ?? 0) + 1);
    DURATION_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) series.buckets[i]!++;
    });
  }

  /** The request counter and the duration histogram as metric families. */
  families(): Family[] {
    const all = [...this.#series.values()];
    return [
      {
        name: "copse_http_requests_total",
        help: "HTTP requests answered, by route, method and status.",
        type: "counter",
        samples: all.flatMap((s) =>
          [...s.statuses].map(([status, value]) => ({ labels: { ...s.labels, status }, value })),
        ),
      },
      {
        name: "copse_http_request_duration_seconds",
        help: "Time to answer HTTP requests, by route and method.",
        type: "histogram",
        samples: all.flatMap((s) => [
          ...DURATION_BUCKETS.map((bound, i) => ({
            suffix: "_bucket",
            labels: { ...s.labels, le: String(bound) },
            value: s.buckets[i]!,
          })),
          { suffix: "_bucket", labels: { ...s.labels, le: "+Inf" }, value: s.count },
          { suffix: "_sum", labels: s.labels, value: s.sum },
          { suffix: "_count", labels: s.labels, value: s.count },
        ]),
      },
    ];
  }
}
