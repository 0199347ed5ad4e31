import { Layout, type PageContext } from "../layout.tsx";

/** Where the administration pages live; the header links here for administrators. */
export const ADMIN_PATH = "/admin";

/** One administration page, as the index lists it. */
interface AdminPageLink {
  href: string;
  title: string;
  description: string;
}

/** The administration pages, in the order the index shows them. */
const ADMIN_PAGES: AdminPageLink[] = [
  {
    href: `${ADMIN_PATH}/site`,
    title: "About this instance",
    description:
      "Say who runs this instance and write its rules, privacy notice and accessibility statement, linked from every page's footer.",
  },
  {
    href: `${ADMIN_PATH}/accounts`,
    title: "Accounts",
    description:
      "Find anyone with an account here; suspend or unsuspend them, make or revoke administrators, and send password links.",
  },
  {
    href: `${ADMIN_PATH}/communities`,
    title: "Communities",
    description:
      "Choose whether new communities need approval, approve or reject those waiting, and close or delete a community.",
  },
  {
    href: `${ADMIN_PATH}/servers`,
    title: "Other servers",
    description:
      "Block or limit other servers, and import or export the list in the CSV format Mastodon uses.",
  },
  {
    href: `${ADMIN_PATH}/mail`,
    title: "Outgoing mail",
    description:
      "Email alerts and digests waiting to go, sent, or failed; retry failed mail and read the .eml files written when no SMTP server is set up.",
  },
  {
    href: `${ADMIN_PATH}/metrics`,
    title: "Instance metrics",
    description:
      "Members, posts per week, who takes part and how the forums respond, for every community; download the figures as CSV.",
  },
];

/** The administration index: a short list of what administrators can look after. */
export function AdminIndexPage(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="Administration">
      <h1 class="govuk-heading-l">Administration</h1>
      <p class="govuk-body">Pages for looking after {props.ctx.instanceName}.</p>
      {ADMIN_PAGES.map((page) => (
        <>
          <h2 class="govuk-heading-m">
            <a class="govuk-link" href={page.href}>
              {page.title}
            </a>
          </h2>
          <p class="govuk-body">{page.description}</p>
        </>
      ))}
    </Layout>
  );
}
