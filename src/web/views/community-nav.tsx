import type { CommunityNavRef } from "./page-context.ts";

// The section tabs at the top of every page of a community: its overview, the sections it
// uses, its members and its search. They wrap onto more lines on a narrow screen rather than
// scroll, and the current one is marked in words for screen readers (aria-current) and in bold.

/** One tab: where it goes and what it says. */
interface Tab {
  href: string;
  text: string;
}

/** Whether a tab is the page (or, for a section, the section the page is in). */
function currentness(tab: Tab, path: string, home: string): "page" | "true" | undefined {
  if (path === tab.href) return "page";
  // The overview is the community's home only, not the section of every page under it.
  if (tab.href !== home && path.startsWith(`${tab.href}/`)) return "true";
  return undefined;
}

/** The community's name (except on its home page, whose heading is the name) and its tabs. */
export function CommunityNav(props: { community: CommunityNavRef; currentPath: string }) {
  const { community } = props;
  const path = props.currentPath.split(/[?#]/, 1)[0] ?? "";
  const home = community.path;
  const tabs: Tab[] = [
    { href: home, text: "Overview" },
    ...community.sections.map((s) => ({ href: `${home}/${s.id}`, text: s.label })),
    { href: `${home}/people`, text: "Members" },
    { href: `${home}/search`, text: "Search" },
  ];
  return (
    <div class="copse-community-nav">
      {path === home ? null : (
        <p class="govuk-body-l copse-community-nav__name">
          <a class="govuk-link govuk-link--no-visited-state" href={home}>
            {community.name}
          </a>
        </p>
      )}
      <nav aria-label="Community sections">
        <ul class="copse-community-nav__list">
          {tabs.map((tab) => {
            const current = currentness(tab, path, home);
            return (
              <li
                class={`copse-community-nav__item${current ? " copse-community-nav__item--current" : ""}`}
              >
                <a
                  class="govuk-link govuk-link--no-visited-state"
                  href={tab.href}
                  aria-current={current}
                >
                  {current ? <strong>{tab.text}</strong> : tab.text}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
    </div>
  );
}
