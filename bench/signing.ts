import { rsaKeyPair } from "../src/federation/keys.ts";
import { median } from "./stats.ts";

// `npm run bench -- signing`: what an actor's RSA key size costs. Every delivery is signed
// with the sender's key, so signatures per second bound the fan-out of a post; the time to
// make a key is paid by each actor's first federation. Copse makes 2,048-bit keys (as
// Mastodon does); Fedify's default is 4,096.

const SIGNATURES = 300;
const KEYS = 3;
const ROUNDS = 3;

/**
 * Signatures a second with one key of `bits` bits on one core: the fan-out ceiling, which the
 * other benchmarks print beside their figures so they can be read as ratios to it.
 */
export async function signaturesPerSecond(bits = 2048, signatures = SIGNATURES): Promise<number> {
  const { privateKey } = await rsaKeyPair(bits);
  // A signing string the size of a delivery's signed headers.
  const data = new TextEncoder().encode("x".repeat(300));
  const started = performance.now();
  for (let i = 0; i < signatures; i++) {
    await crypto.subtle.sign("RSASSA-PKCS1-v1_5", privateKey, data);
  }
  return (signatures * 1000) / (performance.now() - started);
}

/** Prints key-making time and signing rate for 2,048- and 4,096-bit RSA keys. */
export async function benchSigning(): Promise<void> {
  console.log("signing: RSA key size (one core; medians of rounds)");
  const results: Record<number, { keyMs: number; perSecond: number }> = {};
  for (const bits of [2048, 4096]) {
    const keyTimes: number[] = [];
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      for (let i = 0; i < KEYS; i++) await rsaKeyPair(bits);
      keyTimes.push((performance.now() - started) / KEYS);
      rates.push(await signaturesPerSecond(bits));
    }
    results[bits] = { keyMs: median(keyTimes), perSecond: median(rates) };
    console.log(
      `  ${bits} bits: make a key ${results[bits]!.keyMs.toFixed(0)} ms, ` +
        `${results[bits]!.perSecond.toFixed(0)} signatures/s`,
    );
  }
  const ratio = results[2048]!.perSecond / results[4096]!.perSecond;
  console.log(`  2,048-bit keys sign ${ratio.toFixed(1)}x as fast as 4,096-bit keys`);
}
