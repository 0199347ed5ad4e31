import "./temporal.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { startInstance, startupMessage } from "./instance.ts";
import { configureLogging } from "./logging.ts";

// The composition root: configuration, logging, then the instance (database, migrations,
// federation, web app, queue worker), and a clean shutdown on SIGINT/SIGTERM.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
await configureLogging(config.logLevel);
const instance = await startInstance(config);
console.warn(startupMessage(config, instance.db));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.warn("Stopping Copse...");
    await instance.close();
    process.exit(0);
  });
}
