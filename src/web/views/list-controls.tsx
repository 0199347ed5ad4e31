import { Button } from "./components.tsx";

/**
 * The "sort by" and "per page" form above a community's lists (forum, documents). It is a GET
 * form, so it works without JavaScript and the chosen view stays in the address.
 */
export function ListControls<S extends string>(props: {
  action: string;
  sorts: Record<S, string>;
  sort: S;
  pageSizes: readonly number[];
  pageSize: number;
  /** Whether "mine" is offered: only signed-in people have things of their own. */
  signedIn: boolean;
  /** What the list holds, e.g. "Topics" or "Documents". */
  noun: string;
}) {
  return (
    <form method="get" action={props.action} class="copse-inline-form" novalidate>
      <div class="govuk-form-group">
        <label class="govuk-label" for="sort">
          Sort by
        </label>
        <select class="govuk-select" id="sort" name="sort">
          {(Object.keys(props.sorts) as S[])
            .filter((s) => s !== "mine" || props.signedIn)
            .map((s) => (
              <option value={s} selected={s === props.sort}>
                {props.sorts[s]}
              </option>
            ))}
        </select>
      </div>
      <div class="govuk-form-group">
        <label class="govuk-label" for="size">
          {props.noun} per page
        </label>
        <select class="govuk-select" id="size" name="size">
          {props.pageSizes.map((n) => (
            <option value={String(n)} selected={n === props.pageSize}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <Button variant="secondary">Show {props.noun.toLowerCase()}</Button>
    </form>
  );
}
