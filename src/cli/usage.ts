// What the admin command line needs before it knows which command runs: the names of the
// operations, their usage lines and the errors it reports. Kept apart from the commands'
// code so that starting the command line loads none of it.

/** Thrown for mistakes in how the command was called; printed with the usage. */
export class UsageError extends Error {}

/** A backup or restore that cannot go ahead; nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/** The usage lines of these commands, for the admin command line's help. */
export const OPERATIONS_USAGE = `  backup <directory>
      Copies the database (safely, while the server runs) and the stored files into a new directory
  restore <directory>
      Puts a backup back; stop the server first. What was there is moved aside, not deleted
  move-origin <new origin> [--force]
      Rewrites this instance's addresses for a new domain; stop the server first (see docs/production.md)
  migrate-to-postgres <postgres://URL> [--force]
      Copies this instance's SQLite database into an empty PostgreSQL database and checks the copy;
      stop the server first. The SQLite file is left as it was. --force leaves queued messages behind
`;

/** The operations' names, so the command line knows which commands are here. */
export const OPERATIONS = new Set(["backup", "restore", "move-origin", "migrate-to-postgres"]);
