/** One line of a comparison: kept in both versions, only in the newer, or only in the older. */
export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
  /** Line number in the older version (none for added lines). */
  oldNumber: number | null;
  /** Line number in the newer version (none for removed lines). */
  newNumber: number | null;
}

// Wiki pages are at most 100,000 characters, but a pathological pair of long texts would make
// the LCS table huge; beyond this many cells the middle is shown as removed-then-added instead.
const MAX_TABLE_CELLS = 4_000_000;

/** Splits text into lines, ignoring the difference between Windows and Unix line endings. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
}

/**
 * Compares two texts line by line with a longest-common-subsequence table, so the result shows
 * the fewest added and removed lines. Common leading and trailing lines are trimmed first,
 * which keeps the table small for the usual small edit of a long page.
 */
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
  const result: DiffLine[] = [];
  for (let i = 0; i < start; i++) {
    result.push({ kind: "same", text: a[i]!, oldNumber: i + 1, newNumber: i + 1 });
  }
  result.push(...diffMiddle(a, b, start, endA, endB));
  for (let i = endA, j = endB; i < a.length; i++, j++) {
    result.push({ kind: "same", text: a[i]!, oldNumber: i + 1, newNumber: j + 1 });
  }
  return result;
}

/** The LCS diff of a[start..endA) against b[start..endB). */
function diffMiddle(a: string[], b: string[], start: number, endA: number, endB: number) {
  const n = endA - start;
  const m = endB - start;
  const out: DiffLine[] = [];
  const removed = (i: number) =>
    out.push({ kind: "removed", text: a[i]!, oldNumber: i + 1, newNumber: null });
  const added = (j: number) =>
    out.push({ kind: "added", text: b[j]!, oldNumber: null, newNumber: j + 1 });
  if ((n + 1) * (m + 1) > MAX_TABLE_CELLS) {
    for (let i = start; i < endA; i++) removed(i);
    for (let j = start; j < endB; j++) added(j);
    return out;
  }
  // lcs[i][j] is the length of the longest common subsequence of a[start+i..] and b[start+j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[start + i] === b[start + j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) {
      out.push({
        kind: "same",
        text: a[start + i]!,
        oldNumber: start + i + 1,
        newNumber: start + j + 1,
      });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      removed(start + i++);
    } else {
      added(start + j++);
    }
  }
  while (i < n) removed(start + i++);
  while (j < m) added(start + j++);
  return out;
}

/** How many lines a comparison adds and removes. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((l) => l.kind === "added").length,
    removed: lines.filter((l) => l.kind === "removed").length,
  };
}
