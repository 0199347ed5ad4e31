import { expect } from "vitest";
import { WebClient } from "./client.ts";
import { TEST_PASSWORD, type TestInstance } from "./instances.ts";

/** Signs a person created with the test password in to an instance's pages. */
export async function signedIn(instance: TestInstance, handle: string): Promise<WebClient> {
  const web = new WebClient(instance.origin);
  const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
  expect(response.status).toBe(303);
  return web;
}
