import type { Child } from "hono/jsx";
import { Layout, type PageContext } from "./layout.tsx";

// Error pages follow the GOV.UK patterns for "Page not found", "There is a problem with the
// service" and friends: a plain heading that says what happened, then what the reader can do
// next. They never show stack traces or internal details; those go to the log.

/** Props every error page takes: the page context and an optional, more specific explanation. */
interface ErrorPageProps {
  ctx: PageContext;
  message?: string;
}

/** The heading and paragraphs shared by every error page. */
function ErrorPage(props: { ctx: PageContext; heading: string; children: Child }) {
  return (
    <Layout ctx={props.ctx} title={props.heading}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{props.heading}</h1>
          {props.children}
        </div>
      </div>
    </Layout>
  );
}

/** 404: the address does not match a page, or the thing it named has gone. */
export function NotFoundPage(props: ErrorPageProps) {
  return (
    <ErrorPage ctx={props.ctx} heading="Page not found">
      {props.message ? <p class="govuk-body">{props.message}</p> : null}
      <p class="govuk-body">If you typed the web address, check it is correct.</p>
      <p class="govuk-body">If you pasted the web address, check you copied the entire address.</p>
      <p class="govuk-body">
        You can{" "}
        <a class="govuk-link" href="/communities">
          browse all communities
        </a>{" "}
        or go to the{" "}
        <a class="govuk-link" href="/">
          home page
        </a>
        .
      </p>
    </ErrorPage>
  );
}

/** 403: the reader is signed in (or not) but may not see or do this. */
export function ForbiddenPage(props: ErrorPageProps) {
  return (
    <ErrorPage ctx={props.ctx} heading="You do not have permission to do this">
      <p class="govuk-body">
        {props.message ?? "This page or action is only for people with the right role."}
      </p>
      {props.ctx.user ? (
        <p class="govuk-body">
          If you think you should have access, ask a moderator of the community or an administrator
          of {props.ctx.instanceName}.
        </p>
      ) : (
        <p class="govuk-body">
          You may need to{" "}
          <a class="govuk-link" href="/signin">
            sign in
          </a>{" "}
          first.
        </p>
      )}
    </ErrorPage>
  );
}

/** 500: something went wrong on our side; nothing the reader did caused it. */
export function ServerErrorPage(props: ErrorPageProps) {
  return (
    <ErrorPage ctx={props.ctx} heading="Sorry, there is a problem with the service">
      <p class="govuk-body">{props.message ?? "Try again later."}</p>
      <p class="govuk-body">
        If you were submitting a form, your changes may not have been saved. Go back and check
        before trying again.
      </p>
    </ErrorPage>
  );
}

/** 413: an upload larger than the limit; nothing was kept. */
export function TooLargePage(props: ErrorPageProps & { heading: string }) {
  return (
    <ErrorPage ctx={props.ctx} heading={props.heading}>
      <p class="govuk-body">{props.message}</p>
    </ErrorPage>
  );
}

/** 429: the reader (or their network) has sent too many requests in a short time. */
export function TooManyRequestsPage(props: ErrorPageProps) {
  return (
    <ErrorPage ctx={props.ctx} heading="Too many requests">
      <p class="govuk-body">
        {props.message ??
          "You have made too many requests in a short time. Wait a minute, then try again."}
      </p>
    </ErrorPage>
  );
}
