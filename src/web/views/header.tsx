import type { Child } from "hono/jsx";
import { personPagePath } from "../../domain/paths.ts";
import { CsrfField } from "./components.tsx";
import type { PageContext } from "./page-context.ts";

// The header, after GOV.UK's service navigation: the instance's name, a search box and the
// person's account menu on the top row, and the few places everyone goes on the row under it.
// On a phone the places fold behind a "Menu" toggle and the account behind its own, both
// <details> elements, so they open and close without JavaScript (Copse ships none for this).

/** The signed-in person's account settings: address, password, their data, deletion. */
export const ACCOUNT_PATH = "/account";

/** Where the "Sign out" button posts to. */
export const SIGN_OUT_PATH = "/signout";

/** One entry in the header navigation. */
interface NavItem {
  href: string;
  text: Child;
}

/** Tells how a navigation link relates to the page: it is the page, a section above it, or neither. */
function currentness(href: string, path: string): "page" | "true" | undefined {
  if (path === href) return "page";
  // Home would otherwise be the section of every page.
  if (href !== "/" && path.startsWith(`${href}/`)) return "true";
  return undefined;
}

/** A link's text with its unread count, spoken as "Messages, 3 unread" by screen readers. */
function UnreadLinkText(props: { text: string; unread: number }) {
  if (props.unread === 0) return <>{props.text}</>;
  return (
    <>
      {/* Screen readers hear "Messages, 1 unread"; the brackets would be read out oddly. */}
      {props.text} <span aria-hidden="true">({props.unread})</span>
      <span class="govuk-visually-hidden">{`, ${props.unread} unread`}</span>
    </>
  );
}

/** The places everyone goes, in the order the menu shows them. */
function primaryItems(ctx: PageContext): NavItem[] {
  const items: NavItem[] = [
    { href: "/", text: "Home" },
    { href: "/communities", text: "Communities" },
    { href: "/people", text: "People" },
    { href: "/live", text: "Happening now" },
  ];
  if (ctx.user)
    items.push(
      {
        href: "/messages",
        text: <UnreadLinkText text="Messages" unread={ctx.unreadMessages ?? 0} />,
      },
      {
        href: "/notifications",
        text: <UnreadLinkText text="Notifications" unread={ctx.unreadNotifications ?? 0} />,
      },
    );
  return items;
}

/** One link of a navigation list, marked as current when it is the page or its section. */
function NavLink(props: { item: NavItem; path: string; itemClass: string; linkClass: string }) {
  const current = currentness(props.item.href, props.path);
  return (
    <li class={`${props.itemClass}${current ? ` ${props.itemClass}--active` : ""}`}>
      <a class={props.linkClass} href={props.item.href} aria-current={current}>
        {current ? (
          // The strong marks the current item even when custom colours hide the border.
          <strong class="govuk-service-navigation__active-fallback">{props.item.text}</strong>
        ) : (
          props.item.text
        )}
      </a>
    </li>
  );
}

/** The header's search box: a GET form to the site search, labelled for screen readers. */
function HeaderSearch(props: { instanceName: string }) {
  return (
    <search class="copse-header-search">
      <form method="get" action="/search" class="copse-header-search__form">
        <label class="govuk-visually-hidden" for="header-search">
          Search {props.instanceName}
        </label>
        <input
          class="copse-header-search__input"
          id="header-search"
          name="q"
          type="search"
          autocomplete="off"
          spellcheck={false}
        />
        <button type="submit" class="copse-header-search__button">
          Search
        </button>
      </form>
    </search>
  );
}

/** Sign in and sign up for visitors; the account menu (a disclosure) for signed-in people. */
function AccountNav(props: { ctx: PageContext; path: string }) {
  const { ctx, path } = props;
  const link = (item: NavItem) => (
    <NavLink
      item={item}
      path={path}
      itemClass="copse-account__item"
      linkClass="copse-account__link"
    />
  );
  if (!ctx.user) {
    return (
      <nav aria-label="Account" class="copse-account">
        <ul class="copse-account__list copse-account__list--inline">
          {link({ href: "/signin", text: "Sign in" })}
          {link({ href: "/signup", text: "Create an account" })}
        </ul>
      </nav>
    );
  }
  const items: NavItem[] = [
    { href: personPagePath(ctx.user.handle), text: "Your profile" },
    { href: "/contacts", text: "Contacts" },
    { href: ACCOUNT_PATH, text: "Your account" },
  ];
  if (ctx.user.isAdmin) items.push({ href: "/admin", text: "Administration" });
  return (
    <nav aria-label="Account" class="copse-account">
      <details class="copse-account__menu">
        {/* The visible name is part of the spoken one (WCAG 2.5.3, label in name). */}
        <summary class="copse-account__toggle">
          <span class="govuk-visually-hidden">Account menu, signed in as </span>
          <span class="copse-account__name">{ctx.user.name}</span>
        </summary>
        <ul class="copse-account__list" id="account-menu">
          {items.map(link)}
          <li class="copse-account__item">
            {/* Signing out changes state, so it is a POST carrying the CSRF token. */}
            <form method="post" action={SIGN_OUT_PATH} class="copse-inline-form">
              <CsrfField token={ctx.csrfToken} />
              <button type="submit" class="copse-link-button copse-account__link">
                Sign out
              </button>
            </form>
          </li>
        </ul>
      </details>
    </nav>
  );
}

/** The header: the instance's name, search, the account menu and the site navigation. */
export function Header(props: { ctx: PageContext }) {
  const { ctx } = props;
  const path = ctx.currentPath.split(/[?#]/, 1)[0] ?? "/";
  return (
    <section
      aria-label="Service information"
      class="govuk-service-navigation govuk-service-navigation--inverse copse-header"
    >
      <div class="govuk-width-container">
        <div class="copse-header__top">
          <span class="govuk-service-navigation__service-name copse-header__name">
            <a href="/" class="govuk-service-navigation__link">
              {ctx.instanceName}
            </a>
          </span>
          <div class="copse-header__tools">
            <HeaderSearch instanceName={ctx.instanceName} />
            <AccountNav ctx={ctx} path={path} />
          </div>
        </div>
        <nav aria-label="Menu" class="govuk-service-navigation__wrapper copse-header__nav">
          {/* Closed on phones until "Menu" is chosen; from tablet width the stylesheet shows
              the list whether or not the <details> is open and hides the toggle. */}
          <details class="copse-menu">
            <summary class="govuk-service-navigation__toggle copse-menu__toggle">Menu</summary>
            <ul class="govuk-service-navigation__list" id="navigation">
              {primaryItems(ctx).map((item) => (
                <NavLink
                  item={item}
                  path={path}
                  itemClass="govuk-service-navigation__item"
                  linkClass="govuk-service-navigation__link"
                />
              ))}
            </ul>
          </details>
        </nav>
      </div>
    </section>
  );
}
