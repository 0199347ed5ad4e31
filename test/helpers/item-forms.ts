// Filled-in forms that create a wiki page, an event and a poll through their web pages.

/** The fields of `/c/:ref/{section}/new` for each of wiki, events and polls. */
export const ITEM_FORMS: Record<string, Record<string, string>> = {
  wiki: { title: "Compost bins", body: "Where the bins are.", reason: "" },
  events: {
    title: "Compost day",
    body: "Bring a fork.",
    "start-day": "15",
    "start-month": "7",
    "start-year": "2031",
    "start-time": "10am",
    "end-day": "",
    "end-month": "",
    "end-year": "",
    "end-time": "12:30pm",
    timezone: "Europe/London",
    "location-name": "Allotment shed",
    "location-address": "",
    "online-url": "",
    contact: "",
  },
  polls: {
    question: "Which compost?",
    body: "",
    options: "Hot\nCold",
    choice: "one",
    "closes-day": "15",
    "closes-month": "7",
    "closes-year": "2031",
    "closes-time": "10am",
  },
};
