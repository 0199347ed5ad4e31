/**
 * A minimal cookie-keeping HTTP client for driving the web pages from tests without a browser:
 * it follows no redirects (tests assert on them) and fills in the CSRF field as a form would.
 */
export class WebClient {
  private cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The value of a cookie this client holds. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** GETs a path and returns the response with its body read as text. */
  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; body: string }> {
    const request = () =>
      fetch(new URL(path, this.origin), {
        headers: { cookie: this.cookieHeader(), ...headers },
        redirect: "manual",
      });
    // A kept-alive connection can be closed by the server's idle timer just as it is reused
    // (a test that blocks the event loop for seconds makes both timers fire at once); browsers
    // retry an idempotent request once on such a reset, and so does this client.
    const response = await request().catch((error: unknown) => {
      if (connectionReset(error)) return request();
      throw error;
    });
    this.remember(response);
    return { response, body: await response.text() };
  }

  /** POSTs a form (pairs allow repeated names); the CSRF token is added unless `csrf` is false. */
  async post(
    path: string,
    fields: Record<string, string> | [string, string][],
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<{ response: Response; body: string }> {
    if (!this.cookies.has("copse_csrf")) await this.get("/");
    const form = new URLSearchParams(fields);
    if (options.csrf !== false) form.set("_csrf", this.cookies.get("copse_csrf") ?? "");
    const response = await fetch(new URL(path, this.origin), {
      method: "POST",
      headers: {
        cookie: this.cookieHeader(),
        "content-type": "application/x-www-form-urlencoded",
        ...options.headers,
      },
      body: form,
      redirect: "manual",
    });
    this.remember(response);
    return { response, body: await response.text() };
  }

  /**
   * POSTs a multipart form, as a form with a file input sends it: `files` maps field names to
   * files (a Blob with a name). The CSRF token is added unless `csrf` is false.
   */
  async postMultipart(
    path: string,
    fields: Record<string, string> | [string, string][],
    files: Record<string, { bytes: Uint8Array; name: string; type: string }> = {},
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<{ response: Response; body: string }> {
    if (!this.cookies.has("copse_csrf")) await this.get("/");
    const form = new FormData();
    for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) {
      form.append(name, value);
    }
    for (const [name, file] of Object.entries(files)) {
      form.set(name, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    }
    if (options.csrf !== false) form.set("_csrf", this.cookies.get("copse_csrf") ?? "");
    const response = await fetch(new URL(path, this.origin), {
      method: "POST",
      headers: { cookie: this.cookieHeader(), ...options.headers },
      body: form,
      redirect: "manual",
    });
    this.remember(response);
    return { response, body: await response.text() };
  }
}

function connectionReset(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return error instanceof TypeError && cause?.code === "ECONNRESET";
}
