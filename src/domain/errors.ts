/** One problem with one form field; `field` matches the input's name so the UI can link to it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Input that breaks a rule; carries every field problem found, not just the first. */
export class ValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "ValidationError";
  }
}

/** The thing asked for does not exist (or the caller may not know it exists). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The request clashes with the current state (e.g. leaving as the last facilitator). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** Too many attempts in a short time; try again after `retryAfterSeconds`. */
export class ThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`);
    this.name = "ThrottledError";
  }
}

/** The account exists and the password was right, but an administrator has suspended it. */
export class SuspendedError extends Error {
  constructor() {
    super(
      "Your account has been suspended by an administrator, so you cannot sign in. Contact an administrator of this instance if you think this is a mistake.",
    );
    this.name = "SuspendedError";
  }
}
