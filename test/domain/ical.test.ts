import { describe, expect, it } from "vitest";
import { PRODUCT_ID, writeCalendar } from "../../src/domain/ical.ts";

// A tiny RFC 5545 reader written for these tests: unfold, split name from value, unescape.
// Reading the output back is the surest way to know another program would read it too.

interface Property {
  name: string;
  value: string;
}

function unfold(text: string): string[] {
  expect(text.endsWith("\r\n")).toBe(true);
  // Every line ends in CRLF: no bare LF or CR anywhere.
  expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  return text
    .slice(0, -2)
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n");
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function parse(text: string): { calendar: Property[]; events: Property[][] } {
  const calendar: Property[] = [];
  const events: Property[][] = [];
  let current: Property[] | null = null;
  for (const line of unfold(text)) {
    const colon = line.indexOf(":");
    // Parameters (";VALUE=URI") are not needed by these tests, so only the name is kept.
    const name = line.slice(0, colon).split(";")[0]!;
    const value = line.slice(colon + 1);
    if (name === "BEGIN" && value === "VEVENT") current = [];
    else if (name === "END" && value === "VEVENT") {
      events.push(current!);
      current = null;
    } else (current ?? calendar).push({ name, value });
  }
  return { calendar, events };
}

function get(props: Property[], name: string): string | undefined {
  return props.find((p) => p.name === name)?.value;
}

const EVENT = {
  uid: "https://copse.test/ap/events/1234",
  stamp: new Date("2031-01-02T03:04:05.678Z"),
  start: new Date("2031-07-15T09:00:00Z"),
  end: new Date("2031-07-15T11:30:00Z"),
  summary: `Budget; planning, and \\ backslashes ${"é".repeat(40)}`,
  description:
    "Line one\nLine two, with a comma; and a semicolon.\r\nThird line with a very long sentence that goes on and on well past seventy-five octets of text.",
  location: "Council Chamber, County Hall, Taunton",
  url: "https://copse.test/c/garden/events/1",
};

describe("the iCalendar writer", () => {
  it("writes a calendar that reads back to the same event", () => {
    const text = writeCalendar({ name: "Garden, events", events: [EVENT] });
    for (const line of text.split("\r\n")) {
      expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    }
    const { calendar, events } = parse(text);
    expect(get(calendar, "BEGIN")).toBe("VCALENDAR");
    expect(get(calendar, "VERSION")).toBe("2.0");
    expect(get(calendar, "PRODID")).toBe(PRODUCT_ID);
    expect(unescapeText(get(calendar, "X-WR-CALNAME")!)).toBe("Garden, events");
    expect(calendar.at(-1)).toEqual({ name: "END", value: "VCALENDAR" });
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(get(event, "UID")).toBe(EVENT.uid);
    expect(get(event, "DTSTAMP")).toBe("20310102T030405Z");
    expect(get(event, "DTSTART")).toBe("20310715T090000Z");
    expect(get(event, "DTEND")).toBe("20310715T113000Z");
    expect(unescapeText(get(event, "SUMMARY")!)).toBe(EVENT.summary);
    expect(unescapeText(get(event, "DESCRIPTION")!)).toBe(EVENT.description.replace(/\r\n/g, "\n"));
    expect(unescapeText(get(event, "LOCATION")!)).toBe(EVENT.location);
    expect(get(event, "URL")).toBe(EVENT.url);
  });

  it("writes one VEVENT per event and leaves out what is missing", () => {
    const text = writeCalendar({
      events: [
        { ...EVENT, description: "", location: "", url: null },
        { ...EVENT, uid: "https://copse.test/ap/events/5678" },
      ],
    });
    const { calendar, events } = parse(text);
    expect(get(calendar, "X-WR-CALNAME")).toBeUndefined();
    expect(events.map((e) => get(e, "UID"))).toEqual([
      EVENT.uid,
      "https://copse.test/ap/events/5678",
    ]);
    expect(get(events[0]!, "DESCRIPTION")).toBeUndefined();
    expect(get(events[0]!, "LOCATION")).toBeUndefined();
    expect(get(events[0]!, "URL")).toBeUndefined();
    expect(get(events[0]!, "STATUS")).toBeUndefined();
  });

  it("marks a cancelled event, and never writes a URL with spaces or control characters", () => {
    const text = writeCalendar({
      events: [{ ...EVENT, cancelled: true, url: "https://copse.test/a b\r\nX-EVIL:1" }],
    });
    const { events } = parse(text);
    expect(get(events[0]!, "STATUS")).toBe("CANCELLED");
    expect(get(events[0]!, "URL")).toBeUndefined();
    expect(get(events[0]!, "X-EVIL")).toBeUndefined();
  });
});
