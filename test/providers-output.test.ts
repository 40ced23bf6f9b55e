/**
 * providers/index.ts reads what providers/build.sh prints, and reuses the build the test command
 * ran before jest (RMQ_HA_PROVIDERS_OUTPUT) instead of running the script again in every suite.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureProviders, parseBuildOutput, PROVIDERS_OUTPUT_ENV } from '../providers';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-providers-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const output = (terraform: string, cliConfig: string): string =>
  [
    'unavailable hashicorp/random 3.7.2: the Go module proxy refuses it',
    `terraform ${terraform}`,
    cliConfig,
    '',
  ].join('\n');

describe('the build script output', () => {
  test('terraform, the CLI config (last line) and the refused providers are read', () => {
    expect(parseBuildOutput(output('/usr/bin/terraform', '/cache/terraformrc'))).toEqual({
      terraform: '/usr/bin/terraform',
      cliConfig: '/cache/terraformrc',
      unavailable: ['hashicorp/random 3.7.2: the Go module proxy refuses it'],
    });
  });

  test('an output without the paths is refused with the output in the message', () => {
    expect(() => parseBuildOutput('providers: building\n')).toThrow(/printed no terraform and CLI config paths:\nproviders: building/);
  });

  test('ensureProviders returns the build named by RMQ_HA_PROVIDERS_OUTPUT without running the script', async () => {
    const cliConfig = path.join(dir, 'terraformrc');
    fs.writeFileSync(cliConfig, 'provider_installation {}\n');
    const file = path.join(dir, 'out');
    // process.execPath stands for terraform: any existing file; the script would print the real one.
    fs.writeFileSync(file, output(process.execPath, cliConfig));
    await expect(ensureProviders({ env: { [PROVIDERS_OUTPUT_ENV]: file } })).resolves.toEqual({
      terraform: process.execPath,
      cliConfig,
      unavailable: ['hashicorp/random 3.7.2: the Go module proxy refuses it'],
    });
  });
});
