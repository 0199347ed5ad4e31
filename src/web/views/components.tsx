// Typed JSX versions of the govuk-frontend 6 components Copse uses, split by concern under
// components/. This module re-exports them all so pages import every component from one place.

export {
  Checkbox,
  Checkboxes,
  type ChoiceItem,
  Radios,
} from "./components/choices.tsx";
export { DateTimeInput, type DateTimeValues } from "./components/date-time.tsx";
export {
  Inset,
  NotificationBanner,
  type SummaryAction,
  SummaryList,
  Table,
  Tag,
  type TagColour,
  Warning,
} from "./components/display.tsx";
export {
  BackLink,
  Button,
  ButtonLink,
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  errorFor,
  type FieldError,
  FileUpload,
  type InputWidth,
  Textarea,
  TextInput,
} from "./components/forms.tsx";
export { Pagination, type PaginationProps, pageNumbers } from "./components/pagination.tsx";
