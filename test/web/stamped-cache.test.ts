import { describe, expect, it } from "vitest";
import { StampedCache } from "../../src/web/stamped-cache.ts";

const page = (body: string) => ({
  body,
  headers: [["content-type", "text/html"]] as [string, string][],
});

describe("StampedCache", () => {
  it("serves a response only at the stamp it was made at", () => {
    const cache = new StampedCache(10, 1024);
    cache.set("/a", "1", page("a at 1"));
    expect(cache.get("/a", "1", 10_000)?.body).toBe("a at 1");
    expect(cache.get("/a", "2", 10_000)).toBeUndefined();
    expect(cache.get("/a", "1", 10_000)).toBeUndefined();
  });

  it("lets every response of an older stamp go when one of a newer stamp is kept", () => {
    const cache = new StampedCache(10, 1024);
    cache.set("/a", "1", page("a at 1"));
    cache.set("/b", "1", page("b at 1"));
    expect(cache.size).toBe(2);
    // Nothing asks for /a or /b again, yet they go: they could never be served.
    cache.set("/c", "2", page("c at 2"));
    expect(cache.size).toBe(1);
    expect(cache.get("/c", "2", 10_000)?.body).toBe("c at 2");
  });

  it("keeps within its count and size, letting the least recently served go first", () => {
    const cache = new StampedCache(2, 1024);
    cache.set("/a", "1", page("a"));
    cache.set("/b", "1", page("b"));
    expect(cache.get("/a", "1", 10_000)?.body).toBe("a");
    cache.set("/c", "1", page("c"));
    expect(cache.get("/b", "1", 10_000)).toBeUndefined();
    expect(cache.get("/a", "1", 10_000)?.body).toBe("a");
    expect(cache.get("/c", "1", 10_000)?.body).toBe("c");
  });
});
