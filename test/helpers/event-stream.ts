// A server-sent event stream read over real HTTP with fetch and a reader, as a browser's
// EventSource would read it; used by the live stream's tests.

/** One server-sent event as it arrived. */
export interface SentEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/** An open event stream, read in the background into `text`. */
export class EventStream {
  text = "";
  private readonly controller = new AbortController();
  response: Response | undefined;

  /** Opens the stream; resolves once the server has answered (its position is then fixed). */
  static async open(
    origin: string,
    options: { cookie?: string; lastEventId?: string; after?: string } = {},
  ): Promise<EventStream> {
    const stream = new EventStream();
    const url = new URL("/live/events", origin);
    if (options.after) url.searchParams.set("after", options.after);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
    stream.response = await fetch(url, { headers, signal: stream.controller.signal });
    void stream.pump();
    return stream;
  }

  private async pump(): Promise<void> {
    const reader = this.response!.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        this.text += decoder.decode(value, { stream: true });
      }
    } catch {
      // Closing the stream aborts the read; nothing more will come.
    }
  }

  /** Every complete event received so far (comments and the retry field left out). */
  events(): SentEvent[] {
    const blocks = this.text.split("\n\n").slice(0, -1);
    const events: SentEvent[] = [];
    for (const block of blocks) {
      const fields = block.split("\n").filter((line) => !line.startsWith(":"));
      const value = (name: string) =>
        fields.filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2));
      const data = value("data");
      if (data.length === 0) continue;
      events.push({ id: value("id")[0], event: value("event")[0], data: data.join("\n") });
    }
    return events;
  }

  /** The titles of the entries received so far, in the order they came. */
  titles(): string[] {
    return this.events().map(
      (e) => /<a class="govuk-link govuk-!-font-weight-bold"[^>]*>([^<]*)</.exec(e.data)?.[1] ?? "",
    );
  }

  close(): void {
    this.controller.abort();
  }
}
