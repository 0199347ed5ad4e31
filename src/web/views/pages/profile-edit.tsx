import { SERVICE_AREAS } from "../../../domain/person-details.ts";
import { ErrorMessage } from "../components/forms.tsx";
import {
  Button,
  Checkbox,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** Everything the profile form shows, as strings the way the browser sent them. */
export interface ProfileFormValues {
  name: string;
  jobTitle: string;
  organisation: string;
  location: string;
  bio: string;
  email: string;
  emailVisibility: string;
  phone: string;
  phoneVisibility: string;
  website: string;
  websiteVisibility: string;
  expertise: string;
  interests: string;
  serviceAreas: string[];
  approveContacts: boolean;
}

const VISIBILITY_ITEMS = [
  { value: "public", text: "Anyone" },
  { value: "members", text: "Members of my communities" },
  { value: "contacts", text: "My contacts only" },
];

function Visibility(props: { name: string; what: string; value: string; error?: string }) {
  return (
    <Radios
      name={props.name}
      legend={`Who can see your ${props.what}?`}
      legendSize="s"
      items={VISIBILITY_ITEMS}
      value={props.value}
      error={props.error}
      small
    />
  );
}

/** The photo upload field: govuk-frontend's file upload pattern, without JavaScript. */
function PhotoUpload(props: { error?: string | undefined; photoUrl: string | null }) {
  return (
    <div class={`govuk-form-group${props.error ? " govuk-form-group--error" : ""}`}>
      <label class="govuk-label" for="photo">
        Photo
      </label>
      {props.photoUrl ? (
        <img
          class="copse-avatar copse-avatar--large"
          src={props.photoUrl}
          alt="You, as others see you now"
          width={128}
          height={128}
        />
      ) : null}
      <div id="photo-hint" class="govuk-hint">
        A JPEG, PNG, GIF or WebP image smaller than 5 MB. It is cropped to a square and its location
        data is removed.
      </div>
      {props.error ? <ErrorMessage id="photo-error">{props.error}</ErrorMessage> : null}
      <input
        class={`govuk-file-upload${props.error ? " govuk-file-upload--error" : ""}`}
        id="photo"
        name="photo"
        type="file"
        accept="image/jpeg,image/png,image/gif,image/webp"
        aria-describedby={props.error ? "photo-hint photo-error" : "photo-hint"}
      />
    </div>
  );
}

/** The form for editing one's own profile, photo and contact details included. */
export function ProfileEditPage(props: {
  ctx: PageContext;
  values: ProfileFormValues;
  photoUrl: string | null;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  return (
    <Layout ctx={props.ctx} title="Edit your profile" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Edit your profile</h1>
          <form method="post" action="/profile/edit" enctype="multipart/form-data" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="name"
              label="Display name"
              value={v.name}
              error={errorFor(errors, "name")}
              autocomplete="name"
              spellcheck={false}
            />
            <PhotoUpload error={errorFor(errors, "photo")} photoUrl={props.photoUrl} />
            <TextInput
              name="jobTitle"
              label="Job title"
              value={v.jobTitle}
              error={errorFor(errors, "jobTitle")}
              autocomplete="organization-title"
            />
            <TextInput
              name="organisation"
              label="Organisation"
              hint="For example, Somerset Council"
              value={v.organisation}
              error={errorFor(errors, "organisation")}
              autocomplete="organization"
            />
            <TextInput
              name="location"
              label="Location"
              hint="For example, Taunton"
              value={v.location}
              error={errorFor(errors, "location")}
            />
            <Textarea
              name="bio"
              label="About you"
              hint="What you work on and what you know about. Other people use this to find you."
              value={v.bio}
              error={errorFor(errors, "bio")}
              rows={6}
            />
            <TextInput
              name="expertise"
              label="Areas of expertise"
              hint="Separate them with commas, for example: flood risk, section 106"
              value={v.expertise}
              error={errorFor(errors, "expertise")}
            />
            <TextInput
              name="interests"
              label="Interests"
              hint="Separate them with commas"
              value={v.interests}
              error={errorFor(errors, "interests")}
            />
            <Checkboxes
              name="serviceAreas"
              legend="Service areas you work in"
              legendSize="m"
              hint="Select all that apply."
              items={SERVICE_AREAS.map(([value, text]) => ({ value, text }))}
              values={v.serviceAreas}
              error={errorFor(errors, "serviceAreas")}
              small
            />
            <h2 class="govuk-heading-m">Contact details</h2>
            <TextInput
              name="email"
              label="Contact email address"
              type="email"
              value={v.email}
              error={errorFor(errors, "email")}
              autocomplete="email"
              spellcheck={false}
            />
            <Visibility
              name="emailVisibility"
              what="email address"
              value={v.emailVisibility}
              error={errorFor(errors, "emailVisibility")}
            />
            <TextInput
              name="phone"
              label="Phone number"
              type="tel"
              value={v.phone}
              error={errorFor(errors, "phone")}
              autocomplete="tel"
              width={20}
            />
            <Visibility
              name="phoneVisibility"
              what="phone number"
              value={v.phoneVisibility}
              error={errorFor(errors, "phoneVisibility")}
            />
            <TextInput
              name="website"
              label="Website"
              type="url"
              value={v.website}
              error={errorFor(errors, "website")}
              autocomplete="url"
              spellcheck={false}
            />
            <Visibility
              name="websiteVisibility"
              what="website"
              value={v.websiteVisibility}
              error={errorFor(errors, "websiteVisibility")}
            />
            <h2 class="govuk-heading-m">Contact requests</h2>
            <Checkbox
              name="approveContacts"
              value="yes"
              label="Let me approve people before they become my contacts"
              checked={v.approveContacts}
            />
            <Button>Save profile</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The 413 page for a profile form whose photo is far over the limit. */
export function PhotoTooLargePage(props: { ctx: PageContext; message: string }) {
  return (
    <Layout ctx={props.ctx} title="The photo is too large" errors>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">The photo is too large</h1>
          <p class="govuk-body">{props.message}</p>
          <p class="govuk-body">
            <a class="govuk-link" href="/profile/edit">
              Go back to your profile
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
