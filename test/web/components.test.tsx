import { describe, expect, it } from "vitest";
import {
  Button,
  ButtonLink,
  Checkbox,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  Inset,
  NotificationBanner,
  Pagination,
  pageNumbers,
  Radios,
  SummaryList,
  Table,
  Tag,
  Textarea,
  TextInput,
} from "../../src/web/views/components.tsx";
import { ForbiddenPage, NotFoundPage } from "../../src/web/views/errors.tsx";
import { Layout, type PageContext } from "../../src/web/views/layout.tsx";

/** Renders a Hono JSX node to its HTML string, waiting for any async parts. */
async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const ctx: PageContext = {
  instanceName: "Norfolk Copse",
  user: null,
  csrfToken: "tok-123",
  textSize: "standard",
  currentPath: "/communities",
  stylesheetPath: "/assets/copse.0123456789abcdef.css",
};

describe("form components", () => {
  it("CsrfField is a hidden _csrf input", async () => {
    expect(await html(<CsrfField token="a&b" />)).toBe(
      '<input type="hidden" name="_csrf" value="a&amp;b"/>',
    );
  });

  it("ErrorSummary renders nothing without errors and links to each field otherwise", async () => {
    expect(await html(<ErrorSummary errors={[]} />)).toBe("");
    const out = await html(
      <ErrorSummary errors={[{ field: "email", message: "Enter an email" }]} />,
    );
    expect(out).toContain('class="govuk-error-summary"');
    expect(out).toContain('tabindex="-1"');
    expect(out).toContain('<div role="alert">');
    expect(out).toContain("There is a problem");
    expect(out).toContain('<a href="#email">Enter an email</a>');
  });

  it("errorFor finds a field's message", () => {
    const errors = [{ field: "name", message: "Enter a name" }];
    expect(errorFor(errors, "name")).toBe("Enter a name");
    expect(errorFor(errors, "bio")).toBeUndefined();
    expect(errorFor(undefined, "name")).toBeUndefined();
  });

  it("TextInput wires hint and error to the input with aria-describedby", async () => {
    const out = await html(
      <TextInput
        name="email"
        label="Email address"
        hint="Your work address"
        error="Enter an email address"
        value={'"quoted" <value>'}
        type="email"
        autocomplete="email"
        spellcheck={false}
        width={20}
      />,
    );
    expect(out).toContain('class="govuk-form-group govuk-form-group--error"');
    expect(out).toContain('<label class="govuk-label" for="email">Email address</label>');
    expect(out).toContain('<div id="email-hint" class="govuk-hint">Your work address</div>');
    expect(out).toContain(
      '<p id="email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Enter an email address</p>',
    );
    expect(out).toContain('class="govuk-input govuk-input--width-20 govuk-input--error"');
    expect(out).toContain('aria-describedby="email-hint email-error"');
    expect(out).toContain('spellcheck="false"');
    expect(out).toContain('autocomplete="email"');
    expect(out).toContain('value="&quot;quoted&quot; &lt;value&gt;"');
  });

  it("TextInput leaves out aria-describedby and error classes when there is nothing to describe", async () => {
    const out = await html(<TextInput name="q" label="Search" width="two-thirds" />);
    expect(out).not.toContain("aria-describedby");
    expect(out).not.toContain("error");
    expect(out).toContain('class="govuk-input govuk-!-width-two-thirds"');
    expect(out).toContain('type="text"');
  });

  it("TextInput can be the page heading", async () => {
    const out = await html(<TextInput name="title" label="Name your community" isPageHeading />);
    expect(out).toContain(
      '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="title">',
    );
  });

  it("Textarea escapes its value and marks errors", async () => {
    const out = await html(
      <Textarea name="bio" label="About you" value="<script>x</script>" error="Too long" />,
    );
    expect(out).toContain('class="govuk-textarea govuk-textarea--error"');
    expect(out).toContain('aria-describedby="bio-error"');
    expect(out).toContain('rows="5"');
    expect(out).toContain("&lt;script&gt;x&lt;/script&gt;</textarea>");
  });

  it("Radios: first id is the name, fieldset described by hint and error, item hints", async () => {
    const out = await html(
      <Radios
        name="visibility"
        legend="Who can see this community?"
        hint="You can change this later"
        error="Choose who can see it"
        value="members"
        items={[
          { value: "public", text: "Anyone", hint: "Including other servers" },
          { value: "members", text: "Members only" },
        ]}
      />,
    );
    expect(out).toContain(
      '<fieldset class="govuk-fieldset" aria-describedby="visibility-hint visibility-error">',
    );
    expect(out).toContain(
      '<legend class="govuk-fieldset__legend">Who can see this community?</legend>',
    );
    expect(out).toContain('<div class="govuk-radios" data-module="govuk-radios">');
    expect(out).toContain(
      '<input class="govuk-radios__input" id="visibility" name="visibility" type="radio" value="public" aria-describedby="visibility-item-hint"/>',
    );
    expect(out).toContain(
      '<input class="govuk-radios__input" id="visibility-2" name="visibility" type="radio" value="members" checked=""/>',
    );
    expect(out).toContain('class="govuk-hint govuk-radios__hint"');
    expect(out).toContain(
      '<span class="govuk-visually-hidden">Error:</span> Choose who can see it',
    );
  });

  it("Radios as the page heading wrap the legend text in h1", async () => {
    const out = await html(
      <Radios name="x" legend="Pick one" isPageHeading items={[{ value: "a", text: "A" }]} />,
    );
    expect(out).toContain(
      '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l"><h1 class="govuk-fieldset__heading">Pick one</h1></legend>',
    );
  });

  it("Checkboxes can make their legend a section heading", async () => {
    const out = await html(
      <Checkboxes
        name="sections"
        legend="Sections"
        legendSize="m"
        legendIsHeading
        values={[]}
        items={[{ value: "a", text: "A" }]}
      />,
    );
    expect(out).toContain(
      '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">Sections</h2></legend>',
    );
  });

  it("Checkboxes tick every listed value", async () => {
    const out = await html(
      <Checkboxes
        name="alerts"
        legend="Email me about"
        small
        values={["posts", "events"]}
        items={[
          { value: "posts", text: "New posts" },
          { value: "replies", text: "Replies" },
          { value: "events", text: "Events" },
        ]}
      />,
    );
    expect(out).toContain('class="govuk-checkboxes govuk-checkboxes--small"');
    expect(out).toMatch(/id="alerts" name="alerts" type="checkbox" value="posts" checked=""/);
    expect(out).toMatch(/id="alerts-2" name="alerts" type="checkbox" value="replies"\/>/);
    expect(out).toMatch(/id="alerts-3" name="alerts" type="checkbox" value="events" checked=""/);
  });

  it("a single Checkbox has no fieldset, so its error describes the input itself", async () => {
    const out = await html(
      <Checkbox name="agree" label="I agree" error="You must agree" hint="Read the rules" />,
    );
    expect(out).not.toContain("<fieldset");
    expect(out).toContain('class="govuk-form-group govuk-form-group--error"');
    expect(out).toContain('aria-describedby="agree-error agree-item-hint"');
    expect(out).toContain('value="yes"');
    expect(out).not.toContain("checked");
  });

  it("Button is a submit button with the variant class", async () => {
    expect(await html(<Button>Save</Button>)).toBe(
      '<button type="submit" class="govuk-button" data-module="govuk-button">Save</button>',
    );
    const warning = await html(
      <Button variant="warning" name="action" value="delete">
        Delete
      </Button>,
    );
    expect(warning).toContain('name="action" value="delete"');
    expect(warning).toContain('class="govuk-button govuk-button--warning"');
    expect(await html(<ButtonLink href="/new">Start</ButtonLink>)).toContain(
      '<a href="/new" draggable="false" class="govuk-button"',
    );
  });
});

describe("content components", () => {
  it("SummaryList marks rows without actions when others have them", async () => {
    const out = await html(
      <SummaryList
        rows={[
          {
            key: "Name",
            value: "Ada",
            actions: [{ href: "/edit", text: "Change", visuallyHiddenText: "name" }],
          },
          { key: "Council", value: "Norfolk" },
        ]}
      />,
    );
    expect(out).toContain('<dl class="govuk-summary-list">');
    expect(out).toContain(
      '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/edit">Change<span class="govuk-visually-hidden"> name</span></a></dd>',
    );
    expect(out).toContain('class="govuk-summary-list__row govuk-summary-list__row--no-actions"');
  });

  it("Table has column headers, a caption and optional row headers", async () => {
    const out = await html(
      <Table
        caption="Members"
        captionSize="m"
        head={["Name", "Posts"]}
        rows={[["Ada", 3]]}
        firstCellIsHeader
        numericColumns={[1]}
      />,
    );
    expect(out).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m">Members</caption>',
    );
    expect(out).toContain(
      '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Posts</th>',
    );
    // Each cell names its column, which narrow screens show in place of the hidden headings.
    expect(out).toContain('<table class="govuk-table copse-stack-table">');
    expect(out).toContain('<th scope="row" class="govuk-table__header" data-label="Name">Ada</th>');
    expect(out).toContain(
      '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Posts">3</td>',
    );
  });

  it("NotificationBanner: success is an alert, the default a labelled region", async () => {
    const success = await html(<NotificationBanner success>Saved</NotificationBanner>);
    expect(success).toContain(
      'class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="govuk-notification-banner-title"',
    );
    expect(success).toContain(">Success</h2>");
    expect(success).toContain('<p class="govuk-notification-banner__heading">Saved</p>');
    const plain = await html(
      <NotificationBanner id="notice" title="Maintenance">
        <p class="govuk-body">Tonight</p>
      </NotificationBanner>,
    );
    expect(plain).toContain('role="region" aria-labelledby="notice-title"');
    expect(plain).toContain('id="notice-title">Maintenance</h2>');
    expect(plain).not.toContain("govuk-notification-banner__heading");
  });

  it("Tag and Inset use the govuk classes", async () => {
    expect(await html(<Tag colour="green">Member</Tag>)).toBe(
      '<strong class="govuk-tag govuk-tag--green">Member</strong>',
    );
    expect(await html(<Tag>New</Tag>)).toBe('<strong class="govuk-tag">New</strong>');
    expect(await html(<Inset>Note</Inset>)).toBe('<div class="govuk-inset-text">Note</div>');
  });

  it("pageNumbers keeps the first, last and neighbours of the current page", () => {
    expect(pageNumbers(5, 10)).toEqual([1, "ellipsis", 4, 5, 6, "ellipsis", 10]);
    expect(pageNumbers(1, 3)).toEqual([1, 2, 3]);
    expect(pageNumbers(2, 4)).toEqual([1, 2, 3, 4]);
  });

  it("Pagination links pages and marks the current one", async () => {
    const hrefFor = (n: number) => `/communities?page=${n}`;
    const out = await html(<Pagination currentPage={2} totalPages={5} hrefFor={hrefFor} />);
    expect(out).toContain('<nav class="govuk-pagination" aria-label="Pagination">');
    expect(out).toContain('href="/communities?page=1" rel="prev"');
    expect(out).toContain('href="/communities?page=3" rel="next"');
    expect(out).toContain(
      '<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link govuk-pagination__link" href="/communities?page=2" aria-label="Page 2" aria-current="page">2</a></li>',
    );
    expect(out).toContain("govuk-pagination__item--ellipsis");
    expect(await html(<Pagination currentPage={1} totalPages={1} hrefFor={hrefFor} />)).toBe("");
  });

  it("Pagination without page numbers is block-level previous and next", async () => {
    const out = await html(<Pagination nextHref="/feed?before=abc" />);
    expect(out).toContain('class="govuk-pagination govuk-pagination--block"');
    expect(out).toContain('href="/feed?before=abc" rel="next"');
    expect(out).not.toContain('rel="prev"');
    expect(await html(<Pagination />)).toBe("");
  });
});

describe("Layout", () => {
  it("is a complete document with the GOV.UK error title pattern", async () => {
    const out = await html(
      <Layout ctx={{ ...ctx, textSize: "largest" }} title="Sign in" errors>
        <h1>Hi</h1>
      </Layout>,
    );
    expect(out.startsWith("<!DOCTYPE html><html")).toBe(true);
    expect(out).toContain('<html lang="en-GB" class="govuk-template copse-text-largest">');
    expect(out).toContain("<title>Error: Sign in – Norfolk Copse</title>");
    expect(out).toContain('<link rel="stylesheet" href="/assets/copse.0123456789abcdef.css"/>');
    expect(out).toContain('<a href="#main-content" class="govuk-skip-link"');
    expect(out).toContain('<main class="govuk-main-wrapper" id="main-content"><h1>Hi</h1></main>');
    // No GOV.UK branding: no crown, crest or GOV.UK header.
    expect(out).not.toMatch(/govuk-header|govuk-logo|crown|copyright-logo|GOV\.UK/i);
  });

  it("has no Error: prefix on a page without errors", async () => {
    const out = await html(<Layout ctx={ctx} title="Communities" children="x" />);
    expect(out).toContain("<title>Communities – Norfolk Copse</title>");
  });

  it("marks the current navigation item and offers sign in when signed out", async () => {
    const out = await html(<Layout ctx={ctx} title="Communities" children="x" />);
    expect(out).toContain(
      '<a class="govuk-service-navigation__link" href="/communities" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Communities</strong></a>',
    );
    expect(out).toContain('<a class="govuk-service-navigation__link" href="/">Home</a>');
    expect(out).toContain('href="/signin">Sign in</a>');
    expect(out).toContain('href="/signup">Create an account</a>');
    expect(out).not.toContain("Sign out");
    expect(out).toContain(">Norfolk Copse</a>");
  });

  it("offers the profile and a POST sign out with CSRF when signed in", async () => {
    const user = { handle: "ada", name: "Ada", isAdmin: false };
    const out = await html(
      <Layout ctx={{ ...ctx, user, currentPath: "/people/ada/edit" }} title="Edit" children="x" />,
    );
    expect(out).toContain('href="/people/ada" aria-current="true"');
    expect(out).toMatch(
      /<form method="post" action="\/signout"[^>]*><input type="hidden" name="_csrf" value="tok-123"\/><button type="submit"[^>]*>Sign out<\/button><\/form>/,
    );
    expect(out).not.toContain("Sign in");
  });

  it("shows the flash message as a success banner", async () => {
    const out = await html(
      <Layout ctx={{ ...ctx, flash: "Profile saved" }} title="T" children="x" />,
    );
    expect(out).toContain('govuk-notification-banner--success" role="alert"');
    expect(out).toContain("Profile saved");
  });

  it("has a footer text size form that posts the size and where to return", async () => {
    const out = await html(
      <Layout
        ctx={{ ...ctx, textSize: "large", currentPath: "/c/x?page=2" }}
        title="T"
        children="x"
      />,
    );
    expect(out).toContain('<form method="post" action="/preferences/text-size"');
    expect(out).toContain('<input type="hidden" name="return" value="/c/x?page=2"/>');
    expect(out).toMatch(/name="size" type="radio" value="large" checked=""/);
    expect(out).toMatch(/name="size" type="radio" value="standard"\/>/);
    expect(out).toContain("Change text size");
  });

  it("adds a back link when asked", async () => {
    const out = await html(<Layout ctx={ctx} title="T" backLink="/communities" children="x" />);
    expect(out).toContain('<a href="/communities" class="govuk-back-link">Back</a>');
  });
});

describe("error pages", () => {
  it("NotFoundPage has a clear heading and title", async () => {
    const out = await html(<NotFoundPage ctx={ctx} message="That community has closed." />);
    expect(out).toContain("<title>Page not found – Norfolk Copse</title>");
    expect(out).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
    expect(out).toContain("That community has closed.");
  });

  it("ForbiddenPage suggests signing in to signed-out readers", async () => {
    const out = await html(<ForbiddenPage ctx={ctx} />);
    expect(out).toContain("You do not have permission to do this");
    expect(out).toContain('href="/signin">sign in</a>');
  });
});
