import "./temporal.ts";
import { type Config, ConfigError, readServerConfiguration } from "./config.ts";
import { riskySettings } from "./config-warnings.ts";
import { OriginMismatchError } from "./domain/origin.ts";
import { type RunningInstance, startInstance, startupMessage } from "./instance.ts";
import { configureLogging, logger } from "./logging.ts";
import { DataDirInUseError } from "./server-lock.ts";

// The composition root: configuration (copse.env, the environment and `--role`), logging, then
// the instance (database, migrations, federation, and the web app and the queue worker as the
// role asks), and a graceful shutdown on SIGINT/SIGTERM.
const log = logger("main");

let config: Config;
let instance: RunningInstance;
try {
  // `npm start -- --role worker` arrives here as arguments; they override the environment.
  config = readServerConfiguration(process.argv.slice(2));
  await configureLogging(config.logLevel, config.logFormat);
  instance = await startInstance(config);
} catch (error) {
  // Mistakes an administrator can fix get their message only, never a stack trace.
  if (
    error instanceof ConfigError ||
    error instanceof OriginMismatchError ||
    error instanceof DataDirInUseError
  ) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
if (config.configFile) log.info("Read settings from {path}", { path: config.configFile });
for (const warning of riskySettings(config)) log.warning("{warning}", { warning });
console.warn(startupMessage(config, instance.db));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    // A second signal means "now": whatever is queued is still safe in the database.
    if (stopping) process.exit(1);
    stopping = true;
    console.warn(`Stopping Copse (${signal}); a second ${signal} stops it at once...`);
    await instance.close();
    process.exit(0);
  });
}
