import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { SITE_PAGES } from "../../domain/admin/site-pages.ts";
import { CommunityNav } from "./community-nav.tsx";
import { BackLink, Button, CsrfField, NotificationBanner } from "./components.tsx";
import { FeedAlternates, type FeedRef } from "./feed-links.tsx";
import { Header } from "./header.tsx";
import type { PageContext } from "./page-context.ts";

export { ACCOUNT_PATH, SIGN_OUT_PATH } from "./header.tsx";
export type { PageContext } from "./page-context.ts";

/** The text sizes a reader can pick, in the order the footer offers them. */
export const TEXT_SIZES = [
  "standard",
  "large",
  "largest",
] as const satisfies readonly PageContext["textSize"][];

/** Where the footer's text size form posts to. */
export const TEXT_SIZE_PATH = "/preferences/text-size";

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
            <h2 class="govuk-visually-hidden">About {ctx.instanceName}</h2>
            <ul class="govuk-footer__inline-list">
              {SITE_PAGES.map((page) => (
                <li class="govuk-footer__inline-list-item">
                  <a class="govuk-footer__link" href={`/about/${page.id}`}>
                    {page.title}
                  </a>
                </li>
              ))}
            </ul>
            <p class="govuk-body-s">
              {ctx.operator
                ? `${ctx.instanceName} is run by ${ctx.operator}. `
                : `${ctx.instanceName} is a Copse instance. `}
              It runs Copse, free software for communities of practice.
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
              {ctx.community ? (
                <CommunityNav community={ctx.community} currentPath={ctx.currentPath} />
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
