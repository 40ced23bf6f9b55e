#!/usr/bin/env node
import { Command } from 'commander';
import { registerLocalCommands } from './commands/local-commands';
import { runCommand } from './private/exit';

/**
 * Builds the `rmq-ha` command line (exported for tests). Each command's module is required when
 * the command runs, so `synth` never initializes what only `review` or `export` need (start-up
 * time is most of a synth).
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('rmq-ha')
    .description('Highly available RabbitMQ clusters from one typed spec: synthesize, render, validate, try locally.')
    .option('--env-dir <dir>', 'folder of environment specs', 'environments')
    .showHelpAfterError()
    .exitOverride();

  const envDir = (): string => program.opts<{ envDir: string }>().envDir;

  program
    .command('synth')
    .description('synthesize Terraform JSON (cdktf.out/stacks/<env>/cdk.tf.json) for one or all environments')
    .option('--env <name>', 'environment name (file in the environments folder)')
    .option('--spec <file>', 'spec file (YAML or JSON)')
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .action((o) => runCommand(() => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand({ ...o, envDir: envDir() })));

  program
    .command('render')
    .description('write the plain files a deployment carries (rabbitmq.conf, enabled_plugins, definitions.json, LB config)')
    .option('--env <name>', 'environment name')
    .option('--spec <file>', 'spec file (YAML or JSON)')
    .requiredOption('--out <dir>', 'output directory (replaced atomically)')
    .action((o) => runCommand(() => (require('./commands/render') as typeof import('./commands/render')).renderCommand({ ...o, envDir: envDir() })));

  program
    .command('validate')
    .description('check specs and print best-practice warnings')
    .option('--env <name>', 'environment name')
    .option('--spec <file>', 'spec file (YAML or JSON)')
    .option('--strict', 'fail (exit 1) on warnings')
    .option('--json', 'print one JSON object')
    .action((o) => runCommand(() => (require('./commands/validate') as typeof import('./commands/validate')).validateCommand({ ...o, envDir: envDir() })));

  program
    .command('review')
    .description('summarize what a spec will create, the changes against the last synthesis, and warnings')
    .option('--env <name>', 'environment name')
    .option('--spec <file>', 'spec file (YAML or JSON)')
    .option('--against <dir>', 'cdktf output to compare with (default: cdktf.out when present)')
    .option('--rotate <secrets>', 'secrets given a new value outside the spec (new TF_VAR_ values), comma separated: print their rotation procedure')
    .option('--format <format>', 'text | markdown (a pull-request comment) | json')
    .option('--svg <file>', 'also write the topology picture (one environment)')
    .option('--strict', 'fail (exit 1) on warnings and refused changes')
    .option('--json', 'same as --format json')
    .action((o) => runCommand(() => (require('./commands/review') as typeof import('./commands/review')).reviewCommand({ ...o, envDir: envDir() })));

  program
    .command('export')
    .description('back up definitions of a running cluster (0600 file), print what a spec loads, or export a spec as Compose or Kubernetes files (--format)')
    .option('--url <url>', 'management URL of a running node, e.g. http://127.0.0.1:15672')
    .option('--dir <dir>', 'directory of an `rmq-ha local up` run (its state and admin-password)')
    .option('--user <name>', 'management user (default: admin)')
    .option('--password-file <file>', 'file whose first line is the password')
    .option('--env <name>', "environment name: the spec's definitions, placeholders kept")
    .option('--spec <file>', "spec file (YAML or JSON): the spec's definitions, placeholders kept")
    .option('--format <format>', 'compose | kubernetes: the deployment itself (docker-compose.yml or manifests) into the directory --out')
    .option('--out <path>', 'output file, written atomically (required for --url/--dir); a directory with --format')
    .option('--timeout <seconds>', 'HTTP timeout', '30')
    .action((o) => runCommand(() => (require('./commands/export') as typeof import('./commands/export')).exportCommand({ ...o, envDir: envDir() })));

  program
    .command('schema')
    .description('print the JSON Schema of environment files (for editors), or write it to --out')
    .option('--out <file>', 'write the schema to this file')
    .action((o) => runCommand(() => (require('./commands/schema') as typeof import('./commands/schema')).schemaCommand(o)));

  registerLocalCommands(program, envDir);
  return program;
}

/** Runs the command line; resolves when the command is done (the exit code is in process.exitCode). */
export async function main(argv: readonly string[]): Promise<void> {
  // `rmq-ha render ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  await buildProgram()
    .parseAsync([...argv])
    .catch((e: { exitCode?: number; code?: string }) => {
      // commander reports usage errors (unknown option, missing argument) through exitOverride.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exitCode = 0;
      else process.exitCode = e.exitCode === 0 ? 0 : 1;
    });
}

if (require.main === module) void main(process.argv);
