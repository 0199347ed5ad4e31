import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { personPagePath } from "../../domain/paths.ts";
import { BackLink, Button, CsrfField, NotificationBanner } from "./components.tsx";
import { FeedAlternates, type FeedRef } from "./feed-links.tsx";

/** What every page needs to know about the request to draw the shared template. */
export interface PageContext {
  instanceName: string;
  user: { handle: string; name: string; isAdmin: boolean } | null;
  csrfToken: string;
  textSize: "standard" | "large" | "largest";
  currentPath: string;
  stylesheetPath: string;
  flash?: string | undefined;
  /** How many private messages the signed-in person has not read (src/domain/messages.ts). */
  unreadMessages?: number;
  /** How many notifications arrived since the person last looked (src/domain/notifications). */
  unreadNotifications?: number;
}

/** The text sizes a reader can pick, in the order the footer offers them. */
export const TEXT_SIZES = [
  "standard",
  "large",
  "largest",
] as const satisfies readonly PageContext["textSize"][];

/** The signed-in person's account settings: address, password, their data, deletion. */
export const ACCOUNT_PATH = "/account";

/** Where the "Sign out" button posts to. */
export const SIGN_OUT_PATH = "/signout";

/** Where the footer's text size form posts to. */
export const TEXT_SIZE_PATH = "/preferences/text-size";

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

/** The header: the instance's name and the site navigation, on the brand colour. */
function Header(props: { ctx: PageContext }) {
  const { ctx } = props;
  const path = ctx.currentPath.split(/[?#]/, 1)[0] ?? "/";
  const items: NavItem[] = [
    { href: "/", text: "Home" },
    { href: "/communities", text: "All communities" },
    { href: "/search", text: "Search" },
    { href: "/people", text: "People" },
    { href: "/live", text: "Happening now" },
  ];
  if (ctx.user)
    items.push(
      { href: personPagePath(ctx.user.handle), text: "Your profile" },
      { href: ACCOUNT_PATH, text: "Your account" },
    );
  else
    items.push(
      { href: "/signin", text: "Sign in" },
      { href: "/signup", text: "Create an account" },
    );
  if (ctx.user) {
    items.push(
      { href: "/contacts", text: "Contacts" },
      {
        href: "/messages",
        text: <UnreadLinkText text="Messages" unread={ctx.unreadMessages ?? 0} />,
      },
      {
        href: "/notifications",
        text: <UnreadLinkText text="Notifications" unread={ctx.unreadNotifications ?? 0} />,
      },
    );
  }
  if (ctx.user?.isAdmin) items.push({ href: "/admin", text: "Administration" });

  return (
    <section
      aria-label="Service information"
      class="govuk-service-navigation govuk-service-navigation--inverse"
      data-module="govuk-service-navigation"
    >
      <div class="govuk-width-container">
        <div class="govuk-service-navigation__container">
          <span class="govuk-service-navigation__service-name">
            <a href="/" class="govuk-service-navigation__link">
              {ctx.instanceName}
            </a>
          </span>
          {/* govuk-frontend's "Menu" toggle needs its JavaScript, so it is left out: the list
              simply wraps on small screens, which works for everyone. */}
          <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
            <ul class="govuk-service-navigation__list" id="navigation">
              {items.map((item) => {
                const current = currentness(item.href, path);
                return (
                  <li
                    class={`govuk-service-navigation__item${current ? " govuk-service-navigation__item--active" : ""}`}
                  >
                    <a
                      class="govuk-service-navigation__link"
                      href={item.href}
                      aria-current={current}
                    >
                      {current ? (
                        // The strong marks the current item even when custom colours hide the border.
                        <strong class="govuk-service-navigation__active-fallback">
                          {item.text}
                        </strong>
                      ) : (
                        item.text
                      )}
                    </a>
                  </li>
                );
              })}
              {ctx.user ? (
                <li class="govuk-service-navigation__item">
                  {/* Signing out changes state, so it is a POST carrying the CSRF token. */}
                  <form method="post" action={SIGN_OUT_PATH} class="copse-inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="copse-link-button">
                      Sign out
                    </button>
                  </form>
                </li>
              ) : null}
            </ul>
          </nav>
        </div>
      </div>
    </section>
  );
}

/** The footer: a text size form that works without JavaScript, and the software's name. */
function Footer(props: { ctx: PageContext }) {
  const { ctx } = props;
  const labels: Record<PageContext["textSize"], string> = {
    standard: "Standard",
    large: "Large",
    largest: "Largest",
  };
  return (
    <div class="govuk-footer">
      <div class="govuk-width-container">
        <div class="govuk-footer__meta">
          <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
            <form method="post" action={TEXT_SIZE_PATH} class="copse-text-size" novalidate>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="return" value={ctx.currentPath} />
              <div class="govuk-form-group">
                <fieldset class="govuk-fieldset">
                  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                    Text size
                  </legend>
                  <div
                    class="govuk-radios govuk-radios--small govuk-radios--inline"
                    data-module="govuk-radios"
                  >
                    {TEXT_SIZES.map((size, index) => {
                      const id = index === 0 ? "text-size" : `text-size-${index + 1}`;
                      return (
                        <div class="govuk-radios__item">
                          <input
                            class="govuk-radios__input"
                            id={id}
                            name="size"
                            type="radio"
                            value={size}
                            checked={ctx.textSize === size}
                          />
                          <label class="govuk-label govuk-radios__label" for={id}>
                            {labels[size]}
                          </label>
                        </div>
                      );
                    })}
                  </div>
                </fieldset>
              </div>
              <Button variant="secondary">Change text size</Button>
            </form>
            <p class="govuk-body-s">
              {ctx.instanceName} runs Copse, software for communities of practice.
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}

/** The full HTML document around a page: head, skip link, header, main content and footer. */
export function Layout(props: {
  ctx: PageContext;
  title: string;
  errors?: boolean;
  children: Child;
  backLink?: string;
  /** The feed this page offers, announced for feed readers to discover (src/web/views/feed-links.tsx). */
  feed?: FeedRef | undefined;
  /** Script files this page enhances itself with; every page works without them. */
  scripts?: string[];
}) {
  const { ctx } = props;
  // GOV.UK pattern: a page showing form errors says so first in its title, which is the first
  // thing a screen reader announces after the page loads.
  const title = `${props.errors ? "Error: " : ""}${props.title} – ${ctx.instanceName}`;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en-GB" class={`govuk-template copse-text-${ctx.textSize}`}>
        <head>
          <meta charset="utf-8" />
          <title>{title}</title>
          <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
          <meta name="theme-color" content="#0b5c3e" />
          {/* An empty icon stops browsers asking for /favicon.ico, which Copse does not serve. */}
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={ctx.stylesheetPath} />
          <FeedAlternates feed={props.feed} />
          {props.scripts?.map((src) => (
            <script src={src} defer />
          ))}
        </head>
        <body class="govuk-template__body">
          <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">
            Skip to main content
          </a>
          <header class="govuk-template__header">
            <Header ctx={ctx} />
          </header>
          <div class="govuk-width-container">
            {props.backLink ? <BackLink href={props.backLink} /> : null}
            <main class="govuk-main-wrapper" id="main-content">
              {ctx.flash ? (
                <NotificationBanner success id="flash">
                  {ctx.flash}
                </NotificationBanner>
              ) : null}
              {props.children}
            </main>
          </div>
          <footer class="govuk-template__footer">
            <Footer ctx={ctx} />
          </footer>
        </body>
      </html>
    </>
  );
}
