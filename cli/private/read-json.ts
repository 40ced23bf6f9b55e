import * as fs from 'node:fs';
import { UsageError } from './exit';

/** Reads a JSON file the user pointed at (an earlier synth's stack, a state file); bad JSON is an input problem. */
export function readJsonFile<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as Error | undefined)?.name === 'SyntaxError') throw new UsageError(`${file} is not valid JSON (${(e as Error).message}); it should be ${what}: synthesize again or give another directory`);
    throw e;
  }
}
