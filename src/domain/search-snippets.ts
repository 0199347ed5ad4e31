import { SNIPPET_END, SNIPPET_START } from "../db/search-index.ts";

// A search hit shows an extract of its text with the words searched for marked. FTS5's
// snippet() makes one only for a row its query matches, and to find a row it reads the whole
// index entry of every word in the query: for a word in each of 100,000 items that took 2.7 ms
// for a page of 20 hits (0.05 ms to read their text), and ten times that at 1,000,000, on every
// search for a common word. The extract is made here instead, from the hits' text alone, with
// the same rules the index uses to split and compare words (letters and digits, case and
// accents ignored), so it costs the same however common the word is, and on PostgreSQL too.

/** Words in an extract, as FTS5's snippet() was asked for. */
const EXTRACT_WORDS = 24;

/** Text past this many characters is not looked through (a long wiki page's tail). */
const MAX_SCANNED = 50_000;

/** Terms shorter than this mark only words equal to them, not every word they begin. */
const MIN_PREFIX = 3;

const WORD = /[\p{L}\p{N}]+/gu;

/** A word as the index compares it: lower case, accents removed. */
function folded(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The terms of what someone typed, as the index compares them. */
export function searchTerms(q: string): string[] {
  return [...new Set([...q.matchAll(WORD)].map((m) => folded(m[0])))].slice(0, 12);
}

interface Word {
  start: number;
  end: number;
  /** Which term the word matches, or -1. */
  term: number;
}

function matchingTerm(word: string, terms: string[]): number {
  const f = folded(word);
  return terms.findIndex((t) => (t.length < MIN_PREFIX ? f === t : f.startsWith(t)));
}

/**
 * An extract of about two dozen words of `text` around the words matching `terms` (each word
 * that begins with a term, as a prefix search matches it), marked with SNIPPET_START and
 * SNIPPET_END: the stretch holding the most different terms, then the most matches, then the
 * earliest. Null when no word matches (the hit matched on its title, or by a word's stem).
 */
export function markedExtract(text: string, terms: string[]): string | null {
  if (terms.length === 0) return null;
  // The marks are the extract's own; any in the text would unbalance them.
  const clean = text
    .slice(0, MAX_SCANNED)
    .replaceAll(SNIPPET_START, "")
    .replaceAll(SNIPPET_END, "");
  const words: Word[] = [];
  for (const m of clean.matchAll(WORD)) {
    words.push({ start: m.index, end: m.index + m[0].length, term: matchingTerm(m[0], terms) });
  }
  const hits = words.flatMap((w, i) => (w.term >= 0 ? [i] : []));
  if (hits.length === 0) return null;
  let best = { from: 0, distinct: -1, count: -1 };
  // Each candidate starts a few words before a match, so the match has some words before it.
  for (const hit of hits.slice(0, 200)) {
    const from = Math.max(0, Math.min(hit - 3, words.length - EXTRACT_WORDS));
    const seen = new Set<number>();
    let count = 0;
    for (let i = from; i < Math.min(words.length, from + EXTRACT_WORDS); i++) {
      const term = words[i]!.term;
      if (term < 0) continue;
      seen.add(term);
      count++;
    }
    if (seen.size > best.distinct || (seen.size === best.distinct && count > best.count)) {
      best = { from, distinct: seen.size, count };
    }
  }
  const to = Math.min(words.length, best.from + EXTRACT_WORDS);
  // At either end of the text, the punctuation around the first or last word is kept.
  let out = best.from > 0 ? "…" : clean.slice(0, words[0]!.start);
  for (let i = best.from; i < to; i++) {
    const w = words[i]!;
    if (i > best.from) out += clean.slice(words[i - 1]!.end, w.start);
    const word = clean.slice(w.start, w.end);
    out += w.term >= 0 ? `${SNIPPET_START}${word}${SNIPPET_END}` : word;
  }
  if (to < words.length || text.length > MAX_SCANNED) out += "…";
  else out += clean.slice(words[to - 1]!.end);
  return out.replace(/\s+/g, " ").trim();
}
