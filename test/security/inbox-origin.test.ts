import { Endpoints, Person } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { remoteActorData } from "../../src/federation/vocab/actors.ts";

// Attack class: SSRF through delivery. Copse POSTs activities to whatever inbox an actor names,
// through Fedify's sender; an actor on a hostile server that names a cloud metadata service or
// an intranet host as its inbox must not turn Copse into a proxy for it.

describe("a remote actor's inboxes", () => {
  it("are dropped when they point away from the actor's own origin", () => {
    const data = remoteActorData(
      new Person({
        id: new URL("https://hostile.example/users/mallory"),
        preferredUsername: "mallory",
        inbox: new URL("http://169.254.169.254/latest/meta-data/inbox"),
        endpoints: new Endpoints({ sharedInbox: new URL("http://10.0.0.5/inbox") }),
      }),
    );
    expect(data?.inboxUrl).toBeNull();
    expect(data?.sharedInboxUrl).toBeNull();
  });

  it("are kept on the actor's own origin", () => {
    const data = remoteActorData(
      new Person({
        id: new URL("https://council.example/users/ann"),
        preferredUsername: "ann",
        inbox: new URL("https://council.example/users/ann/inbox"),
        endpoints: new Endpoints({ sharedInbox: new URL("https://council.example/inbox") }),
      }),
    );
    expect(data?.inboxUrl).toBe("https://council.example/users/ann/inbox");
    expect(data?.sharedInboxUrl).toBe("https://council.example/inbox");
  });
});
