import type { LookupAddress } from "node:dns";
import {
  type AddressInfo,
  connect,
  createServer,
  type LookupFunction,
  type Server,
} from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isPublicAddress,
  PrivateAddressError,
} from "../../src/federation/outbound/address-policy.ts";
import { guardedLookup, type Resolver } from "../../src/federation/outbound/guarded-lookup.ts";

// The lookup that sockets use to check addresses as they connect, first on its own and then
// inside a real TCP connection on loopback.

/** A resolver whose answer for a name changes from one call to the next, as a rebinding DNS does. */
function rebinding(answers: string[][]): Resolver & { calls: number } {
  const resolver = async (_hostname: string) => {
    const answer = answers[Math.min(resolver.calls, answers.length - 1)]!;
    resolver.calls++;
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  resolver.calls = 0;
  return resolver;
}

type Outcome = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[] };

function lookUp(lookup: LookupFunction, all: boolean, family = 0): Promise<Outcome> {
  return new Promise((resolve) =>
    lookup("rebind.example", { all, family }, (error, address) => resolve({ error, address })),
  );
}

describe("the guarded lookup", () => {
  it("checks every answer, so a name that turns private on the next lookup is refused", async () => {
    const resolver = rebinding([["93.184.215.14"], ["127.0.0.1"]]);
    const lookup = guardedLookup(resolver, isPublicAddress);
    const first = await lookUp(lookup, false);
    expect(first).toEqual({ error: null, address: "93.184.215.14" });
    const second = await lookUp(lookup, false);
    expect(second.error).toBeInstanceOf(PrivateAddressError);
    expect((second.error as PrivateAddressError).address).toBe("127.0.0.1");
  });

  it("refuses a name when any one of its addresses is private", async () => {
    const lookup = guardedLookup(rebinding([["93.184.215.14", "fd00::1"]]), isPublicAddress);
    const { error } = await lookUp(lookup, true);
    expect(error).toBeInstanceOf(PrivateAddressError);
    expect((error as PrivateAddressError).address).toBe("fd00::1");
  });

  it("hands the socket exactly the addresses it checked, in the family asked for", async () => {
    const answers = [["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]];
    const lookup = guardedLookup(rebinding(answers), isPublicAddress);
    expect((await lookUp(lookup, true)).address).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    expect((await lookUp(lookup, false, 6)).address).toBe("2606:2800:21f:cb07:6820:80da:af6b:8b2c");
    const noV6 = guardedLookup(rebinding([["93.184.215.14"]]), isPublicAddress);
    expect((await lookUp(noV6, false, 6)).error?.code).toBe("ENOTFOUND");
  });

  it("passes the resolver's own failure on", async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const { error } = await lookUp(guardedLookup(failing, isPublicAddress), true);
    expect(error?.code).toBe("ENOTFOUND");
  });
});

describe("a socket that connects through the guarded lookup", () => {
  let server: Server;
  let port: number;
  let accepted = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++;
      // The client hangs up at once; its reset is expected, not a failure.
      socket.on("error", () => undefined);
      socket.end("hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Connects to rebind.example, resolved by `resolver`; resolves with the error or "connected". */
  function open(resolver: Resolver, isAllowed = isPublicAddress): Promise<Error | "connected"> {
    return new Promise((resolve) => {
      const socket = connect({
        host: "rebind.example",
        port,
        lookup: guardedLookup(resolver, isAllowed),
      });
      socket.on("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.on("error", (error) => resolve(error));
    });
  }

  it("never reaches a loopback service, whatever the name resolved to before", async () => {
    const before = accepted;
    const resolver = rebinding([["127.0.0.1"]]);
    const outcome = await open(resolver);
    expect(outcome).toBeInstanceOf(PrivateAddressError);
    expect(resolver.calls).toBe(1);
    expect(accepted).toBe(before);
  });

  it("does connect when the address passes the policy (so the refusal above is the policy's)", async () => {
    const before = accepted;
    const outcome = await open(rebinding([["127.0.0.1"]]), (address) => address === "127.0.0.1");
    expect(outcome).toBe("connected");
    await expect.poll(() => accepted).toBe(before + 1);
  });
});
