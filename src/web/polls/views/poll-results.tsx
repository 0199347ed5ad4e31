import { type PollResults, percentOf } from "../../../domain/polls/polls.ts";

/** "1 vote" or "3 votes". */
function votes(n: number): string {
  return `${n} ${n === 1 ? "vote" : "votes"}`;
}

/** "1 person has voted" or "3 people have voted". */
export function votersText(n: number): string {
  return n === 1 ? "1 person has voted" : `${n} people have voted`;
}

/**
 * A poll's results as a bar chart in plain HTML and CSS: each option with its count and share
 * of voters written out, and a bar whose width shows the share. The bar only repeats what the
 * text says, so it is hidden from screen readers and nothing depends on seeing its colour.
 * Options the viewer chose are marked in words.
 */
export function PollResultsChart(props: { results: PollResults; chosen: number[] }) {
  const { results } = props;
  return (
    <dl class="copse-poll-results">
      {results.options.map((option) => {
        const percent = percentOf(option.count, results.voters);
        const mine = props.chosen.includes(option.id);
        return (
          <div class="copse-poll-results__row">
            <dt class="copse-poll-results__option">
              {option.name}
              {mine ? <strong class="copse-poll-results__mine"> (your vote)</strong> : null}
            </dt>
            <dd class="copse-poll-results__value">
              <span class="copse-poll-results__figure">
                {votes(option.count)}, {percent}%
              </span>
              <span class="copse-poll-results__track" aria-hidden="true">
                <span class={`copse-poll-results__bar copse-poll-results__bar--${percent}`} />
              </span>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
