import { Swarm } from "./servers.ts";

// The swarm runs in its own process (bench/swarm/client.ts forks it), so its HTTP parsing and
// signature checks do not share an event loop with the Copse server being measured.

const swarm = new Swarm();
type Request = { id: number; op: string; args: unknown[] };

process.on("message", async (message: Request) => {
  const { id, op, args } = message;
  try {
    let result: unknown;
    if (op === "start") result = await swarm.start(args[0] as number, args[1] as number);
    else if (op === "waitFor") result = await swarm.waitFor(args[0] as string, args[1] as number);
    else if (op === "counts") result = swarm.counts;
    else if (op === "prepare") result = swarm.prepare(args[0] as never);
    else if (op === "fire") result = await swarm.fire(args[0] as number, args[1] as number);
    else if (op === "close") {
      await swarm.close();
      result = null;
    } else throw new Error(`unknown op ${op}`);
    process.send?.({ id, result });
  } catch (error) {
    process.send?.({ id, error: String(error) });
  }
});
