/** Errors with a stable `code`. Expected outcomes (NXDOMAIN, a bad record) are data, not errors. */

/** Bad usage or bad input from the user: the CLI exits 64 with the message. */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
