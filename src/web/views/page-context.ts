// What the shared page template (src/web/views/layout.tsx) and its header need from a request,
// apart from the layout so the header can use it without importing the layout back.

/** What every page needs to know about the request to draw the shared template. */
export interface PageContext {
  instanceName: string;
  /** Who runs the instance, as its administrators put it; empty until they say (footer). */
  operator?: string | undefined;
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
  /** The community the page is in, for the section tabs on every page of it (src/web/community-nav.ts). */
  community?: CommunityNavRef | undefined;
  /** What became of a picture added to a text without JavaScript (src/web/images/uploads.tsx). */
  imageUpload?: ImageUploadOutcome | undefined;
}

/** A picture added through a writing form's "Add image" button: added, or why not. */
export interface ImageUploadOutcome {
  /** The alt text typed, kept for another try after an error. */
  alt: string;
  error?: { field: "image" | "alt"; message: string };
  /** Set when the picture was added to the text. */
  added?: boolean;
}

/** A community's name, home page and the sections it shows, for its section tabs. */
export interface CommunityNavRef {
  name: string;
  /** Its home page, e.g. `/c/garden`. */
  path: string;
  sections: { id: string; label: string }[];
}
