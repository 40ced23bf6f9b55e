/**
 * An input problem that is not a spec field: a command-line option, an output directory, a file
 * in it. The CLI prints the message and exits 1 (never 2, which is for bugs). Lower layers
 * (stacks/, spec/) throw it; the CLI's UsageError is one.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }

  static isInputError(x: unknown): x is InputError {
    return x instanceof InputError;
  }
}
