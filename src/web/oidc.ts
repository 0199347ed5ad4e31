import * as client from "openid-client";
import type { OidcConfig } from "../config.ts";
import type { ProviderClaims } from "../domain/account/identities.ts";

// The provider is the one the administrator configured, so its calls go out with the ordinary
// fetch, not the guarded fetcher federation uses for addresses strangers give us: a council's
// provider often sits on its own network (ADFS, Keycloak), which the guard would refuse, and
// neither the issuer nor the endpoints its discovery document names come from other servers
// or from visitors (see SECURITY.md).

/** Where the provider sends people back to, under this instance's origin. */
export const CALLBACK_PATH = "/signin/oidc/callback";

/** What the browser keeps (in an httpOnly cookie) between leaving for the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

/** The provider's endpoints, discovered once and reused; a failed discovery is retried next time. */
export class OidcClient {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    private readonly settings: OidcConfig,
    private readonly origin: string,
  ) {}

  private configuration(): Promise<client.Configuration> {
    if (!this.discovered) {
      const insecure = new URL(this.settings.issuer).protocol === "http:";
      this.discovered = client
        .discovery(
          new URL(this.settings.issuer),
          this.settings.clientId,
          undefined,
          client.ClientSecretBasic(this.settings.clientSecret),
          // config.ts allows plain http only for a loopback issuer (tests and trials).
          { execute: insecure ? [client.allowInsecureRequests] : [], timeout: 15 },
        )
        .catch((error: unknown) => {
          this.discovered = undefined;
          throw error;
        });
    }
    return this.discovered;
  }

  /** Starts a sign-in: the provider's address to send the browser to, and what to remember. */
  async start(returnTo: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      returnTo,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: `${this.origin}${CALLBACK_PATH}`,
      scope: "openid email profile",
      response_type: "code",
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Finishes a sign-in from the provider's redirect: checks state, exchanges the code with the
   * PKCE verifier, checks the ID token (signature, issuer, audience, expiry, nonce) and reads
   * the person's claims, adding userinfo's when the ID token leaves out the address or whether
   * it is verified.
   */
  async finish(callbackQuery: string, pending: PendingSignIn): Promise<ProviderClaims> {
    const configuration = await this.configuration();
    const current = new URL(`${this.origin}${CALLBACK_PATH}${callbackQuery}`);
    const tokens = await client.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error("the provider sent no ID token");
    let claims: Record<string, unknown> = { ...idClaims };
    // Some providers put the address in the ID token and whether it is verified only in userinfo.
    const incomplete = claims.email === undefined || claims.email_verified === undefined;
    if (incomplete && configuration.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims };
    }
    return {
      issuer: configuration.serverMetadata().issuer,
      subject: idClaims.sub,
      email: typeof claims.email === "string" ? claims.email : undefined,
      // Only a literal true counts; some providers send the string "true", which is not a promise.
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === "string" ? claims.name : undefined,
      preferredUsername:
        typeof claims.preferred_username === "string" ? claims.preferred_username : undefined,
    };
  }
}
