import pc from 'picocolors';
import { SpecError } from '../../spec/errors';
import { InputError } from '../../spec/input/input-error';
import { fileSystemProblem } from '../../spec/input/fs-problem';
import { OperationFailure } from '../../local/failure';

/** Raised by the harness (local/failure.ts): a plain message and exit code 2. */
export { OperationFailure };

/** Exit codes of every command: 0 ok, 1 invalid input (message on stderr), 2 internal error. */
export const EXIT = { ok: 0, invalid: 1, internal: 2 } as const;

/** An input problem that is not a spec field (missing option, unknown environment, busy directory). */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a command body and maps its failure to the exit code and a message on stderr. */
export async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
    process.exitCode = EXIT.ok;
  } catch (e) {
    const fsProblem = fileSystemProblem(e);
    if (SpecError.isSpecError(e) || InputError.isInputError(e)) {
      process.stderr.write(`${pc.red('error')}: ${e.message}\n`);
      process.exitCode = EXIT.invalid;
    } else if (fsProblem !== undefined) {
      // A path the user chose that cannot be written or read: an input problem, not a bug.
      process.stderr.write(`${pc.red('error')}: ${fsProblem}\n`);
      process.exitCode = EXIT.invalid;
    } else if (OperationFailure.isOperationFailure(e)) {
      process.stderr.write(`${pc.red('error')}: ${e.message}\n`);
      process.exitCode = EXIT.internal;
    } else {
      process.stderr.write(`${pc.red('internal error')}: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.internal;
    }
  }
}
