import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIG_FILE_NAME, parseConfigFile } from "./config-file.ts";
import { parseRole, type Role, settingsFromArguments } from "./config-role.ts";
import { type FilesConfig, parseBoolean, readFiles } from "./config-storage.ts";

// The file's format and the list of setting names live in config-file.ts; they are exported
// from here too, where the rest of Copse has always found them.
export { CONFIG_FILE_NAME, parseConfigFile, SETTING_NAMES } from "./config-file.ts";
export type { FilesConfig } from "./config-storage.ts";

/** Everything Copse reads from its environment, parsed and checked. */
export interface Config {
  /** Public origin, e.g. `https://copse.example.gov.uk`; ids of actors and objects start with it. */
  origin: string;
  /** TCP port the HTTP server listens on. */
  port: number;
  /** Address the HTTP server binds to. */
  host: string;
  /** Directory for the SQLite database and uploaded files. */
  dataDir: string;
  /** Name shown in the header and in NodeInfo. */
  instanceName: string;
  /** Lets federation reach loopback and private addresses: for tests and development only. */
  allowPrivateAddress: boolean;
  /** SMTP connection URL for outgoing mail; undefined means each mail is written to `<dataDir>/mail/*.eml`. */
  smtpUrl: string | undefined;
  /** Sender address for outgoing mail. */
  mailFrom: string;
  /** Hour of the day (0-23, in `timeZone`) when daily and weekly digests go out. */
  digestHour: number;
  /** IANA time zone for digests and other wall-clock schedules. */
  timeZone: string;
  /** How often news feeds are refreshed, in minutes. */
  newsRefreshMinutes: number;
  /**
   * How long a page rendered for a visitor who is not signed in may be served again to the
   * next such visitor, in seconds, while the database has not changed; 0 renders every page.
   */
  pageCacheSeconds: number;
  /** Whether anyone may sign up (`open`) or only admins create accounts (`closed`). */
  registration: "open" | "closed";
  /** Minimum log level written to the console. */
  logLevel: "trace" | "debug" | "info" | "warning" | "error" | "fatal";
  /** "text" for people reading a terminal, "json" (one object a line) for log collectors. */
  logFormat: "text" | "json";
  /** Largest request body accepted, in bytes (inbox POSTs and forms). */
  maxBodyBytes: number;
  /** Largest file accepted by the document library, in bytes. */
  maxUploadBytes: number;
  /**
   * Largest answer read from another server when fetching actors, objects, collections, keys,
   * JSON-LD contexts and WebFinger, in bytes (counted after decompression).
   */
  fetchMaxBytes: number;
  /** Whether a reverse proxy in front sets X-Forwarded-For (used to tell clients apart). */
  trustProxy: boolean;
  /**
   * PostgreSQL URL of the instance's data; undefined keeps it in SQLite under the data
   * directory (copse.db).
   */
  databaseUrl: string | undefined;
  /** PostgreSQL URL for Fedify's queue and KV store; undefined keeps them in SQLite. */
  queueUrl: string | undefined;
  /** Bearer token that unlocks `/metrics`; undefined means `/metrics` answers 404. */
  metricsToken: string | undefined;
  /** Sign-in through the organisation's OpenID Connect provider; undefined when not configured. */
  oidc: OidcConfig | undefined;
  /** What this process does: everything, HTTP only (`web`) or background work (`worker`). */
  role: Role;
  /** Where uploaded files are kept: a directory, or an S3-compatible bucket (readFiles below). */
  files: FilesConfig;
  /** The configuration file that was read, if any (for messages). */
  configFile?: string;
}

/** Settings for sign-in through an OpenID Connect provider (Microsoft Entra ID, Keycloak...). */
export interface OidcConfig {
  /** The provider's issuer URL; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button names, as in "Sign in with <label>". */
  label: string;
  /** Whether a person the provider vouches for, with no account here yet, gets one at first sign-in. */
  createAccounts: boolean;
  /** Email domains allowed to sign in this way (lower case); empty allows any. */
  emailDomains: string[];
}

/** Raised when the environment holds values Copse cannot use; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Copse cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["trace", "debug", "info", "warning", "error", "fatal"] as const;

/** Reads the configuration from an environment (by default `process.env`), reporting all problems together. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];

  const port = parseInteger(env.PORT, 3000);
  if (port === undefined || port < 0 || port > 65535) {
    problems.push(
      `PORT must be a whole number from 0 to 65535 (got "${env.PORT}"); e.g. PORT=3000`,
    );
  }

  const effectivePort = port ?? 3000;
  let origin = `http://localhost:${effectivePort}`;
  if (env.COPSE_ORIGIN) {
    try {
      const url = new URL(env.COPSE_ORIGIN);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
      if (url.pathname !== "/" || url.search || url.hash) throw new Error("path");
      origin = url.origin;
    } catch {
      problems.push(
        `COPSE_ORIGIN must be an http(s) origin with no path, e.g. https://copse.example.gov.uk (got "${env.COPSE_ORIGIN}")`,
      );
    }
  }

  const allowPrivateAddress = parseBoolean(env.COPSE_ALLOW_PRIVATE_ADDRESS, false);
  if (allowPrivateAddress === undefined) {
    problems.push(
      `COPSE_ALLOW_PRIVATE_ADDRESS must be true or false (got "${env.COPSE_ALLOW_PRIVATE_ADDRESS}")`,
    );
  }

  if (env.SMTP_URL) {
    try {
      const url = new URL(env.SMTP_URL);
      if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error("scheme");
    } catch {
      problems.push(
        `SMTP_URL must look like smtp://user:pass@mail.example.org:587 or smtps://... (got "${env.SMTP_URL}")`,
      );
    }
  }

  const trustProxy = parseBoolean(env.COPSE_TRUST_PROXY, false);
  if (trustProxy === undefined) {
    problems.push(`COPSE_TRUST_PROXY must be true or false (got "${env.COPSE_TRUST_PROXY}")`);
  }

  const registration = env.COPSE_REGISTRATION ?? "open";
  if (registration !== "open" && registration !== "closed") {
    problems.push(`COPSE_REGISTRATION must be "open" or "closed" (got "${registration}")`);
  }

  const logFormat = env.COPSE_LOG_FORMAT ?? "text";
  if (logFormat !== "text" && logFormat !== "json") {
    problems.push(`COPSE_LOG_FORMAT must be "text" or "json" (got "${logFormat}")`);
  }
  const logLevel = (env.COPSE_LOG_LEVEL ?? "info") as Config["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`COPSE_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);
  }

  const maxBodyBytes = parseInteger(env.COPSE_MAX_BODY_BYTES, 1024 * 1024);
  if (maxBodyBytes === undefined || maxBodyBytes < 1024) {
    problems.push(
      `COPSE_MAX_BODY_BYTES must be a whole number of bytes, at least 1024 (got "${env.COPSE_MAX_BODY_BYTES}")`,
    );
  }

  const maxUploadBytes = parseInteger(env.COPSE_MAX_UPLOAD_BYTES, 25 * 1024 * 1024);
  if (maxUploadBytes === undefined || maxUploadBytes < 1024) {
    problems.push(
      `COPSE_MAX_UPLOAD_BYTES must be a whole number of bytes, at least 1024, e.g. 26214400 for 25 MiB (got "${env.COPSE_MAX_UPLOAD_BYTES}")`,
    );
  }

  const fetchMaxBytes = parseInteger(env.COPSE_FETCH_MAX_BYTES, 1024 * 1024);
  if (
    fetchMaxBytes === undefined ||
    fetchMaxBytes < 16 * 1024 ||
    fetchMaxBytes > 64 * 1024 * 1024
  ) {
    problems.push(
      `COPSE_FETCH_MAX_BYTES must be a whole number of bytes from 16384 to 67108864, e.g. 1048576 for 1 MiB (got "${env.COPSE_FETCH_MAX_BYTES}")`,
    );
  }

  const digestHour = parseInteger(env.COPSE_DIGEST_HOUR, 7);
  if (digestHour === undefined || digestHour > 23) {
    problems.push(
      `COPSE_DIGEST_HOUR must be an hour from 0 to 23 (got "${env.COPSE_DIGEST_HOUR}")`,
    );
  }

  const timeZone = env.COPSE_TIME_ZONE || "Europe/London";
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
  } catch {
    problems.push(
      `COPSE_TIME_ZONE must be an IANA time zone such as Europe/London (got "${timeZone}")`,
    );
  }

  const newsRefreshMinutes = parseInteger(env.COPSE_NEWS_REFRESH_MINUTES, 30);
  if (newsRefreshMinutes === undefined || newsRefreshMinutes < 1) {
    problems.push(
      `COPSE_NEWS_REFRESH_MINUTES must be a whole number of minutes, at least 1 (got "${env.COPSE_NEWS_REFRESH_MINUTES}")`,
    );
  }

  const pageCacheSeconds = parseInteger(env.COPSE_PAGE_CACHE_SECONDS, 10);
  if (pageCacheSeconds === undefined || pageCacheSeconds > 300) {
    problems.push(
      `COPSE_PAGE_CACHE_SECONDS must be a whole number of seconds from 0 to 300 (got "${env.COPSE_PAGE_CACHE_SECONDS}")`,
    );
  }

  const metricsToken = env.COPSE_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[A-Za-z0-9._~+/=-]{24,}$/.test(metricsToken)) {
    problems.push(
      "COPSE_METRICS_TOKEN must be at least 24 letters, digits or -._~+/= with no spaces; make one with `openssl rand -hex 32`",
    );
  }

  const databaseUrl = env.COPSE_DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    // The value is not repeated: it may hold a password.
    problems.push(
      "COPSE_DATABASE_URL must be a PostgreSQL URL such as postgres://copse:password@db.internal:5432/copse",
    );
  }
  // With the data on PostgreSQL the queue goes there too unless told otherwise: several
  // processes on several machines share both.
  const queueUrl = env.COPSE_QUEUE_URL?.trim() || databaseUrl;
  if (queueUrl !== undefined && !isPostgresUrl(queueUrl)) {
    // The value is not repeated: it may hold a password.
    problems.push(
      "COPSE_QUEUE_URL must be a PostgreSQL URL such as postgres://copse:password@db.internal:5432/copse",
    );
  }

  const oidc = readOidc(env, problems);
  const role = parseRole(env.COPSE_ROLE, problems);
  const dataDir = resolve(env.COPSE_DATA_DIR ?? "data");
  const files = readFiles(env, dataDir, problems);

  const instanceName = (env.COPSE_INSTANCE_NAME ?? "Copse").trim();
  if (instanceName.length === 0 || instanceName.length > 80) {
    problems.push("COPSE_INSTANCE_NAME must be 1 to 80 characters long");
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    origin,
    port: effectivePort,
    host: env.HOST ?? "0.0.0.0",
    dataDir,
    instanceName,
    allowPrivateAddress: allowPrivateAddress ?? false,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.COPSE_MAIL_FROM ?? defaultMailFrom(origin),
    digestHour: digestHour ?? 7,
    timeZone,
    newsRefreshMinutes: newsRefreshMinutes ?? 30,
    pageCacheSeconds: pageCacheSeconds ?? 10,
    registration: registration as Config["registration"],
    logLevel,
    logFormat: logFormat as Config["logFormat"],
    maxBodyBytes: maxBodyBytes ?? 1024 * 1024,
    maxUploadBytes: maxUploadBytes ?? 25 * 1024 * 1024,
    fetchMaxBytes: fetchMaxBytes ?? 1024 * 1024,
    trustProxy: trustProxy ?? false,
    databaseUrl,
    queueUrl,
    metricsToken,
    oidc,
    role: role ?? "all",
    files: files ?? { kind: "local", root: dataDir },
  };
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Reads the COPSE_OIDC_* settings: all of issuer, client id and secret, or none. */
function readOidc(
  env: Record<string, string | undefined>,
  problems: string[],
): OidcConfig | undefined {
  const issuer = env.COPSE_OIDC_ISSUER?.trim() || undefined;
  const clientId = env.COPSE_OIDC_CLIENT_ID?.trim() || undefined;
  const clientSecret = env.COPSE_OIDC_CLIENT_SECRET || undefined;
  if (!issuer && !clientId && !clientSecret) return undefined;
  const before = problems.length;
  if (!issuer || !clientId || !clientSecret) {
    problems.push(
      "OpenID Connect sign-in needs all three of COPSE_OIDC_ISSUER, COPSE_OIDC_CLIENT_ID and COPSE_OIDC_CLIENT_SECRET (or none of them)",
    );
  }
  if (issuer) {
    try {
      const url = new URL(issuer);
      // Plain http would let anyone on the path forge sign-ins; it is allowed on loopback only,
      // for tests and trying Copse out.
      if (
        url.protocol !== "https:" &&
        !(url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname))
      ) {
        throw new Error("scheme");
      }
      if (url.search || url.hash) throw new Error("query");
    } catch {
      problems.push(
        `COPSE_OIDC_ISSUER must be the provider's https issuer URL, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 (got "${issuer}")`,
      );
    }
  }
  const createAccounts = parseBoolean(env.COPSE_OIDC_CREATE_ACCOUNTS, false);
  if (createAccounts === undefined) {
    problems.push(
      `COPSE_OIDC_CREATE_ACCOUNTS must be true or false (got "${env.COPSE_OIDC_CREATE_ACCOUNTS}")`,
    );
  }
  const emailDomains = (env.COPSE_OIDC_EMAIL_DOMAINS ?? "")
    .split(",")
    .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
    .filter((d) => d !== "");
  for (const domain of emailDomains) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
      problems.push(
        `COPSE_OIDC_EMAIL_DOMAINS must be email domains separated by commas, e.g. council.gov.uk,partner.gov.uk (got "${domain}")`,
      );
    }
  }
  const label = (env.COPSE_OIDC_LABEL ?? "").trim() || "your organisation's account";
  if (label.length > 60) problems.push("COPSE_OIDC_LABEL must be 60 characters or fewer");
  if (problems.length > before || !issuer || !clientId || !clientSecret) return undefined;
  return {
    issuer,
    clientId,
    clientSecret,
    label,
    createAccounts: createAccounts ?? false,
    emailDomains,
  };
}

function parseInteger(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ["postgres:", "postgresql:"].includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Reads the configuration the server, the admin command line and the jobs share: the file
 * named by `COPSE_CONFIG`, or else `copse.env` in the data directory if there is one, with
 * environment variables overriding it. Every problem, in the file or the values, is reported
 * at once.
 */
export function readConfiguration(env: Record<string, string | undefined> = process.env): Config {
  const named = env.COPSE_CONFIG?.trim() || undefined;
  const path = named
    ? resolve(named)
    : join(resolve(env.COPSE_DATA_DIR || "data"), CONFIG_FILE_NAME);
  if (named && !existsSync(path)) {
    throw new ConfigError([
      `COPSE_CONFIG names ${path}, which does not exist; create it or unset COPSE_CONFIG`,
    ]);
  }
  if (!existsSync(path)) return loadConfig(definedValues(env));

  const { values, problems } = parseConfigFile(readFileSync(path, "utf8"), path);
  // A file found inside the data directory cannot move the data directory: the next reader
  // would look for the file somewhere else and find a different configuration.
  if (
    !named &&
    values.COPSE_DATA_DIR &&
    resolve(values.COPSE_DATA_DIR) !== resolve(env.COPSE_DATA_DIR || "data")
  ) {
    problems.push(
      `${path} sets COPSE_DATA_DIR to another directory; a copse.env inside the data directory cannot move it (set COPSE_CONFIG to a file elsewhere instead)`,
    );
  }
  let config: Config | undefined;
  try {
    config = loadConfig({ ...values, ...definedValues(env) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return { ...config, configFile: path };
}

/** The server's configuration: as readConfiguration, with `--role` on the command line winning. */
export function readServerConfiguration(args: readonly string[]): Config {
  const { values, problems } = settingsFromArguments(args);
  if (problems.length > 0) throw new ConfigError(problems);
  return readConfiguration({ ...process.env, ...values });
}

/** Environment variables with a value; an empty variable does not override the file. */
function definedValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  );
}

/**
 * The sender address used when COPSE_MAIL_FROM is not set. An origin on an IP address needs
 * an address literal (RFC 5321, 4.1.3): "copse@127.0.0.1" is refused by strict servers.
 */
export function defaultMailFrom(origin: string): string {
  const host = new URL(origin).hostname;
  if (host.startsWith("[")) return `copse@[IPv6:${host.slice(1, -1)}]`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return `copse@[${host}]`;
  return `copse@${host}`;
}
