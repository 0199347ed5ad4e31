// What the shared page template (src/web/views/layout.tsx) and its header need from a request,
// apart from the layout so the header can use it without importing the layout back.

/** What every page needs to know about the request to draw the shared template. */
export interface PageContext {
  instanceName: string;
  user: { handle: string; name: string; isAdmin: boolean } | null;
  csrfToken: string;
  textSize: "standard" | "large" | "largest";
  currentPath: string;
  stylesheetPath: string;
  flash?: string | undefined;
  /** How many private messages the signed-in person has not read (src/domain/messages.ts). */
  unreadMessages?: number;
  /** How many notifications arrived since the person last looked (src/domain/notifications). */
  unreadNotifications?: number;
}
