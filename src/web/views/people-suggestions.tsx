import { personPagePath } from "../../domain/paths.ts";
import type { SuggestedPerson } from "../../domain/people-finder.ts";
import { WithAvatar } from "./avatar.tsx";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "People you may want to know": people sharing expertise or communities with the viewer. */
export function PeopleSuggestions(props: { people: SuggestedPerson[] }) {
  if (props.people.length === 0) return null;
  return (
    <>
      <h2 class="govuk-heading-m">People you may want to know</h2>
      <ul class="govuk-list govuk-list--spaced">
        {props.people.map((p) => {
          const why = [
            p.sharedTags > 0 ? plural(p.sharedTags, "shared interest", "shared interests") : "",
            p.sharedCommunities > 0
              ? plural(p.sharedCommunities, "community in common", "communities in common")
              : "",
          ].filter((s) => s);
          return (
            <li>
              <WithAvatar person={p}>
                <a
                  class="govuk-link"
                  href={personPagePath(p.isLocal ? p.handle : `${p.handle}@${p.host}`)}
                >
                  {p.name || p.handle}
                  {p.isLocal ? "" : ` (${p.host})`}
                </a>{" "}
                <span class="govuk-body-s">{why.join(", ")}</span>
              </WithAvatar>
            </li>
          );
        })}
      </ul>
      <p class="govuk-body">
        <a class="govuk-link" href="/people">
          Find more people
        </a>
      </p>
    </>
  );
}
