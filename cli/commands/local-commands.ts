import type { Command } from 'commander';
import { runCommand } from '../private/exit';

type LocalModule = typeof import('./local');
/** The implementation loads only when a local command runs (start-up time of the other commands). */
const impl = (): LocalModule => require('./local') as LocalModule;

/** Registers `rmq-ha local up|status|down` (real processes on loopback). */
export function registerLocalCommands(program: Command, envDir: () => string): void {
  const local = program.command('local').description('run a spec as real RabbitMQ processes on 127.0.0.1 (Debian packages)');
  local
    .command('up')
    .description('start every node (and the load balancer) under DIR and wait until the cluster formed')
    .option('--env <name>', 'environment name')
    .option('--spec <file>', 'spec file (YAML or JSON)')
    .requiredOption('--dir <dir>', 'working directory for data, logs and state')
    .option('--timeout <seconds>', 'how long to wait for the cluster', '120')
    .option('--json', 'print exactly one JSON object')
    .action((o) => runCommand(async () => impl().printUp(await impl().localUp({ ...o, envDir: envDir() }), Boolean(o.json))));
  local
    .command('status')
    .description('show what runs under DIR')
    .requiredOption('--dir <dir>', 'working directory of local up')
    .option('--json', 'print one JSON object')
    .action((o: { dir: string; json?: boolean }) => runCommand(() => impl().localStatus(o)));
  local
    .command('down')
    .description('stop what local up started under DIR (by pid, nothing else)')
    .requiredOption('--dir <dir>', 'working directory of local up')
    .action((o: { dir: string }) => runCommand(() => impl().localDown(o)));
}
