/**
 * A command that could not do its work on this machine (a node that did not boot, a cluster that
 * did not form): a plain message, exit code 2, no stack trace, since nothing in the toolkit broke.
 * It lives with the harness that raises it; the CLI's exit handling (cli/private/exit.ts)
 * re-exports it and recognises it by its flag.
 */
export class OperationFailure extends Error {
  readonly operationFailure = true;
  constructor(message: string) {
    super(message);
    this.name = 'OperationFailure';
  }
  static isOperationFailure(e: unknown): e is OperationFailure {
    return e instanceof Error && (e as { operationFailure?: unknown }).operationFailure === true;
  }
}
