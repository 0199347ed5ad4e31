import { instanceUsage } from "../domain/instance.ts";
import { COPSE_VERSION } from "../version.ts";
import type { CopseFederation } from "./context.ts";

/** Registers NodeInfo 2.1 (linked from /.well-known/nodeinfo by Fedify). */
export function registerNodeInfo(federation: CopseFederation): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", (ctx) => {
    const usage = instanceUsage(ctx.data.db);
    return {
      software: { name: "copse", version: COPSE_VERSION },
      protocols: ["activitypub"],
      openRegistrations: ctx.data.config.registration === "open",
      usage: {
        users: {
          total: usage.users,
          activeMonth: usage.activeMonth,
          activeHalfyear: usage.activeHalfyear,
        },
        localPosts: usage.localPosts,
        localComments: usage.localComments,
      },
      metadata: { nodeName: ctx.data.config.instanceName, communities: usage.communities },
    };
  });
}
