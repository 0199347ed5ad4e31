import { diffArrays } from "diff";

/** One line of a comparison: kept in both versions, only in the newer, or only in the older. */
export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
  /** Line number in the older version (none for added lines). */
  oldNumber: number | null;
  /** Line number in the newer version (none for removed lines). */
  newNumber: number | null;
}

// A wiki page is at most 100,000 characters. Myers' algorithm (the `diff` package, as in
// git) takes time proportional to the lines compared times the number of edits. Common leading
// and trailing lines are set aside first, so the usual small edit of a long page compares a
// few lines; the edits allowed are then capped so that lines times edits stays within this
// budget, and past it the middle is shown as removed then added: a hostile pair of texts
// cannot hold the server.
const WORK_BUDGET = 4_000_000;

/** Splits text into lines, ignoring the difference between Windows and Unix line endings. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
}

/** Compares two texts line by line, showing the fewest added and removed lines. */
export function diffLines(older: string, newer: string): DiffLine[] {
  const a = splitLines(older);
  const b = splitLines(newer);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const oldMiddle = a.slice(start, endA);
  const newMiddle = b.slice(start, endB);
  const maxEditLength = Math.floor(WORK_BUDGET / Math.max(1, oldMiddle.length + newMiddle.length));
  const middle = diffArrays(oldMiddle, newMiddle, { maxEditLength }) ?? [
    { value: oldMiddle, removed: true, added: false, count: oldMiddle.length },
    { value: newMiddle, removed: false, added: true, count: newMiddle.length },
  ];
  const changes = [
    { value: a.slice(0, start), removed: false, added: false },
    ...middle,
    { value: a.slice(endA), removed: false, added: false },
  ];
  const result: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  for (const change of changes) {
    for (const text of change.value) {
      if (change.removed)
        result.push({ kind: "removed", text, oldNumber: oldNumber++, newNumber: null });
      else if (change.added)
        result.push({ kind: "added", text, oldNumber: null, newNumber: newNumber++ });
      else result.push({ kind: "same", text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return result;
}

/** How many lines a comparison adds and removes. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((l) => l.kind === "added").length,
    removed: lines.filter((l) => l.kind === "removed").length,
  };
}
