import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider from "oidc-provider";
import type { WebClient } from "./client.ts";

/** What the test identity provider says about a person who signs in with a given login. */
export interface IdpPerson {
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  preferred_username?: string;
}

/** A real OpenID Connect provider (panva's oidc-provider) on a loopback port. */
export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People by the login typed on the provider's (development) sign-in form. */
  people: Map<string, IdpPerson>;
  /** Registers Copse's callback address; call once the Copse instance's origin is known. */
  allowRedirect(redirectUri: string): void;
  /** The settings that point a Copse instance at this provider. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts oidc-provider on 127.0.0.1 with one confidential client. Its built-in development
 * interactions accept any login and password; the login becomes the subject, and `people`
 * supplies the claims. Grants are given without a consent screen, as a council's provider
 * configured for Copse would.
 */
export async function startTestIdp(): Promise<TestIdp> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "copse-test";
  const clientSecret = "a client secret long enough for HS256 and tests";
  const people = new Map<string, IdpPerson>();
  const signingKey = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    kid: "test-signing-key",
    use: "sig",
  };

  const idp: TestIdp = {
    issuer,
    clientId,
    clientSecret,
    people,
    allowRedirect(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
            token_endpoint_auth_method: "client_secret_basic",
          },
        ],
        pkce: { required: () => true },
        jwks: { keys: [signingKey] },
        ttl: {
          AccessToken: 600,
          AuthorizationCode: 60,
          Grant: 600,
          IdToken: 600,
          Interaction: 600,
          Session: 600,
        },
        cookies: { keys: ["test cookie signing key"] },
        claims: {
          openid: ["sub"],
          email: ["email", "email_verified"],
          profile: ["name", "preferred_username"],
        },
        findAccount: (_ctx: unknown, id: string) => ({
          accountId: id,
          claims: () => ({ sub: id, ...people.get(id) }),
        }),
        loadExistingGrant: async (ctx: {
          oidc: {
            client: { clientId: string };
            session: { accountId: string };
            provider: {
              Grant: new (
                o: Record<string, string>,
              ) => { addOIDCScope(s: string): void; save(): Promise<string> };
            };
          };
        }) => {
          const grant = new ctx.oidc.provider.Grant({
            clientId: ctx.oidc.client.clientId,
            accountId: ctx.oidc.session.accountId,
          });
          grant.addOIDCScope("openid email profile");
          await grant.save();
          return grant;
        },
      });
      handler = provider.callback();
    },
    env(extra = {}) {
      return {
        COPSE_OIDC_ISSUER: issuer,
        COPSE_OIDC_CLIENT_ID: clientId,
        COPSE_OIDC_CLIENT_SECRET: clientSecret,
        COPSE_OIDC_LABEL: "Test Council ID",
        ...extra,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return idp;
}

/**
 * Walks the provider's pages as a browser without JavaScript would: follows redirects, fills
 * the sign-in form with `login`, and stops at the first redirect back to Copse, whose URL it
 * returns. `browser` holds the provider's cookies.
 */
export async function throughIdp(browser: WebClient, start: string, login: string): Promise<URL> {
  let next = start;
  for (let step = 0; step < 10; step++) {
    const url = new URL(next, browser.origin);
    if (url.origin !== browser.origin) return url;
    const { response, body } = await browser.get(url.href);
    const location = response.headers.get("location");
    if (location) {
      next = new URL(location, url).href;
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(body)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page: ${body.slice(0, 300)}`);
    const fields: Record<string, string> =
      prompt === "login" ? { prompt, login, password: "anything" } : { prompt };
    const posted = await browser.post(new URL(action, url).href, fields, { csrf: false });
    const after = posted.response.headers.get("location");
    if (!after) throw new Error(`provider did not redirect: ${posted.body.slice(0, 300)}`);
    next = new URL(after, url).href;
  }
  throw new Error("too many steps at the provider");
}
