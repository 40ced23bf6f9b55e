import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, type App } from 'cdktf';

const outdirs: string[] = [];

/**
 * `Testing.app()` with an output directory that is removed after the suite (test/setup.ts):
 * Testing.app() alone leaves one empty cdktf.outdir.* directory in /tmp per app.
 */
export function testApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-app-'));
  outdirs.push(outdir);
  return Testing.app({ outdir });
}

/** Removes every directory testApp() made (called after each suite). */
export function removeTestApps(): void {
  for (const d of outdirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
