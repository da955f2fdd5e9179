/** An error meant for the user: printed without a stack, with a non-zero exit. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}
