import { type Context, Hono } from "hono";
import { type ActorRow, findActorByHandle, findLocalActor } from "../../domain/actors.ts";
import { ValidationError } from "../../domain/errors.ts";
import {
  CONVERSATIONS_PER_PAGE,
  conversationBetween,
  countConversations,
  listConversations,
  markConversationRead,
  sendMessage,
} from "../../domain/messages.ts";
import { LookupError, parseHandle, resolveActor } from "../../federation/lookup.ts";
import { deliverMessage } from "../../federation/messages.ts";
import { logger } from "../../logging.ts";
import { requireSignIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { requestedListPage } from "../list-paging.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import {
  ConversationPage,
  ConversationsPage,
  conversationPath,
  NewMessagePage,
} from "../views/pages/messages.tsx";

const log = logger("web", "messages");
type C = Context<AppEnv>;

/** Shows a handle as the person typed it, with a leading @ for remote ones. */
function shownHandle(input: string): string {
  const handle = parseHandle(input);
  return handle ? `@${handle.name}@${handle.host}` : input.trim();
}

/**
 * The person a handle names: local people by name (`alice`, or `@alice@this.host`), remote
 * ones fetched with WebFinger. Null when there is nobody by that name.
 */
async function personByHandle(c: C, input: string): Promise<ActorRow | null> {
  const { db, config } = c.get("deps");
  const trimmed = input.trim().replace(/^@/, "");
  const handle = parseHandle(trimmed);
  const ownHost = new URL(config.origin).host;
  if (!handle || handle.host === ownHost) {
    const local = findLocalActor(db, (handle?.name ?? trimmed).toLowerCase());
    return local?.type === "Person" ? local : null;
  }
  try {
    const actor = await resolveActor(federationContext(c), trimmed);
    return actor.type === "Person" ? actor : null;
  } catch (error) {
    if (error instanceof LookupError) {
      log.info("No one found for {handle}: {error}", { handle: trimmed, error: error.message });
      return null;
    }
    throw error;
  }
}

/** The other person of a conversation named in the path, from what is stored (no network). */
function personInPath(c: C): ActorRow | undefined {
  const { db } = c.get("deps");
  const ref = c.req.param("ref") ?? "";
  const handle = parseHandle(ref);
  const actor = handle
    ? findActorByHandle(db, handle.name, handle.host)
    : findLocalActor(db, ref.replace(/^@/, "").toLowerCase());
  return actor?.type === "Person" ? actor : undefined;
}

function personNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="We could not find that person." />,
    404,
  );
}

/** Private messages: conversations, a conversation, new messages and replies. */
export function messageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/messages", requireSignIn());
  app.use("/messages/*", requireSignIn());

  app.get("/messages", (c) => {
    const me = c.get("account")!.actor;
    const { db } = c.get("deps");
    const shown = requestedListPage(c, countConversations(db, me.id), CONVERSATIONS_PER_PAGE);
    const conversations = listConversations(db, me.id, shown);
    return render(
      c,
      <ConversationsPage
        ctx={pageContext(c)}
        conversations={conversations}
        page={shown.page}
        totalPages={shown.totalPages}
      />,
    );
  });

  app.get("/messages/new", (c) =>
    render(c, <NewMessagePage ctx={pageContext(c)} values={{ to: c.req.query("to") ?? "" }} />),
  );

  app.post("/messages/new", async (c) => {
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const f = await formFields(c);
    const values = { to: f.to ?? "", body: f.body ?? "" };
    const problem = (errors: { field: string; message: string }[]) =>
      render(c, <NewMessagePage ctx={pageContext(c)} values={values} errors={errors} />, 422);
    if (!values.to.trim()) {
      return problem([{ field: "to", message: "Enter the handle of the person to write to" }]);
    }
    const recipient = await personByHandle(c, values.to);
    if (!recipient) {
      return problem([
        {
          field: "to",
          message: `We could not find anyone called ${shownHandle(values.to)}`,
        },
      ]);
    }
    try {
      const message = sendMessage(db, config.origin, {
        sender: me,
        recipient,
        body: values.body,
      });
      await deliverMessage(federationContext(c), message);
      return c.redirect(`${conversationPath(recipient)}#message-${message.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) return problem(error.errors);
      throw error;
    }
  });

  app.get("/messages/:ref", (c) => {
    const other = personInPath(c);
    if (!other) return personNotFound(c);
    const { db } = c.get("deps");
    const me = c.get("account")!.actor;
    // Opening the conversation reads what it holds, so the header count drops at once.
    markConversationRead(db, me.id, other.id);
    const messages = conversationBetween(db, me.id, other.id);
    return render(
      c,
      <ConversationPage ctx={pageContext(c)} me={me} other={other} messages={messages} />,
    );
  });

  app.post("/messages/:ref", async (c) => {
    const other = personInPath(c);
    if (!other) return personNotFound(c);
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const f = await formFields(c);
    const earlier = conversationBetween(db, me.id, other.id);
    try {
      const message = sendMessage(db, config.origin, {
        sender: me,
        recipient: other,
        body: f.body ?? "",
        inReplyToIri: earlier.at(-1)?.iri ?? null,
      });
      await deliverMessage(federationContext(c), message);
      return c.redirect(`${conversationPath(other)}#message-${message.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <ConversationPage
            ctx={pageContext(c)}
            me={me}
            other={other}
            messages={earlier}
            body={f.body ?? ""}
            errors={error.errors}
          />,
          422,
        );
      }
      throw error;
    }
  });

  return app;
}
