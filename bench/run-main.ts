/** Running one bench file on its own (`node dist/bench/<name>.js`): its table on stdout, exit 0; a failure's stack on stderr, exit 1. */
export function runMain(work: () => Promise<{ readonly table: string } | string | undefined>): void {
  work().then(
    (r) => {
      if (r) process.stdout.write(`${typeof r === 'string' ? r : r.table}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
