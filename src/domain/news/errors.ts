/**
 * Why a news feed could not be fetched or read. The message is written for the facilitator who
 * sees it on the "Add a new news feed" form or the manage page, so it says what went wrong in
 * plain words, never a stack trace.
 */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedError";
  }
}
