// The configuration file's format: KEY=VALUE lines naming the settings below. Reading the
// environment and checking the values is config.ts's work.

/** Every setting Copse reads; a configuration file naming anything else is probably mistyped. */
export const SETTING_NAMES = [
  "PORT",
  "HOST",
  "COPSE_ORIGIN",
  "COPSE_DATA_DIR",
  "COPSE_INSTANCE_NAME",
  "COPSE_REGISTRATION",
  "COPSE_ALLOW_PRIVATE_ADDRESS",
  "COPSE_TRUST_PROXY",
  "COPSE_MAX_BODY_BYTES",
  "COPSE_MAX_UPLOAD_BYTES",
  "COPSE_FETCH_MAX_BYTES",
  "COPSE_LOG_LEVEL",
  "COPSE_METRICS_TOKEN",
  "COPSE_DATABASE_URL",
  "COPSE_QUEUE_URL",
  "COPSE_ROLE",
  "SMTP_URL",
  "COPSE_MAIL_FROM",
  "COPSE_DIGEST_HOUR",
  "COPSE_TIME_ZONE",
  "COPSE_NEWS_REFRESH_MINUTES",
  "COPSE_PAGE_CACHE_SECONDS",
  "COPSE_OIDC_ISSUER",
  "COPSE_OIDC_CLIENT_ID",
  "COPSE_OIDC_CLIENT_SECRET",
  "COPSE_OIDC_LABEL",
  "COPSE_OIDC_CREATE_ACCOUNTS",
  "COPSE_OIDC_EMAIL_DOMAINS",
  "COPSE_FILES_DIR",
  "COPSE_S3_BUCKET",
  "COPSE_S3_ENDPOINT",
  "COPSE_S3_REGION",
  "COPSE_S3_ACCESS_KEY_ID",
  "COPSE_S3_SECRET_ACCESS_KEY",
  "COPSE_S3_PATH_STYLE",
] as const;

/** The name of the configuration file looked for in the data directory. */
export const CONFIG_FILE_NAME = "copse.env";

/**
 * Parses a configuration file of `KEY=VALUE` lines. Blank lines and lines starting with `#` are
 * ignored; a value may be wrapped in single or double quotes, which are removed. Comments after
 * a value are not recognised, because passwords in SMTP_URL may contain `#`.
 */
export function parseConfigFile(
  text: string,
  path = CONFIG_FILE_NAME,
): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const known = new Set<string>(SETTING_NAMES);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = `${path} line ${index + 1}`;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problems.push(`${at} is not a KEY=VALUE line (got "${line.slice(0, 40)}")`);
      return;
    }
    const [, key, rawValue] = match as unknown as [string, string, string];
    if (!known.has(key)) {
      problems.push(
        `${at}: ${key} is not a Copse setting (the settings are listed in the README's configuration table)`,
      );
      return;
    }
    if (key in values) problems.push(`${at}: ${key} is set twice in the file`);
    values[key] = unquote(rawValue);
  });
  return { values, problems };
}

/** Removes one pair of matching surrounding quotes. */
function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}
