import { checkPagesAt } from "./viewports/pages.ts";

// Every main page at 768 px (test/browser/viewports/pages.ts says what is checked).
checkPagesAt(768);
