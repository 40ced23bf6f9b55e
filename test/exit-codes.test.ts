/**
 * How a command's failure reaches the user: invalid input exits 1, a failure to do the work on this
 * machine (OperationFailure, e.g. a node that did not boot) exits 2 with its message and no stack
 * trace, and only a defect of the toolkit itself prints "internal error" with the stack.
 */
import { EXIT, OperationFailure, UsageError, runCommand } from '../cli/private/exit';
import { LocalNodeStartError } from '../local/wait';

async function outcome(error: Error): Promise<{ code: number | undefined; stderr: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const before = process.exitCode;
  try {
    await runCommand(() => {
      throw error;
    });
    return { code: process.exitCode as number | undefined, stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('runCommand', () => {
  it('a usage error: exit 1, the message', async () => {
    const r = await outcome(new UsageError('nothing was started under /x'));
    expect(r.code).toBe(EXIT.invalid);
    expect(r.stderr).toMatch(/error.*nothing was started under \/x/);
  });

  it('a node that did not boot: exit 2, the message with its log tail, no stack trace', async () => {
    const r = await outcome(new LocalNodeStartError('rmq-0@localhost', 'did not report running within 150000 ms', '--- log ---\nlast line'));
    expect(r.code).toBe(EXIT.internal);
    expect(r.stderr).toContain('RabbitMQ node rmq-0@localhost did not report running within 150000 ms');
    expect(r.stderr).toContain('last line');
    expect(r.stderr).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
  });

  it('an OperationFailure of its own: exit 2, no stack trace', async () => {
    const r = await outcome(new OperationFailure('cluster did not form within 120 s: running a of 3'));
    expect(r.code).toBe(EXIT.internal);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
  });

  it('a defect (any other error): exit 2, "internal error" and the stack', async () => {
    const r = await outcome(new TypeError('x is undefined'));
    expect(r.code).toBe(EXIT.internal);
    expect(r.stderr).toMatch(/internal error.*TypeError: x is undefined/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});
