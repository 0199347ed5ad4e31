import { checkPagesAt } from "./viewports/pages.ts";

// Every main page at 320 px (test/browser/viewports/pages.ts says what is checked).
checkPagesAt(320);
