import { buildPlan } from '../../plan/plan';
import { planFiles } from '../../plan/plan-files';
import { writeDirAtomically } from '../private/atomic-dir';
import { UsageError } from '../private/exit';
import { selectOne, type SelectOptions } from '../private/select';

/** Options of `rmq-ha render`. */
export interface RenderOptions extends SelectOptions {
  readonly out?: string;
}

/**
 * `rmq-ha render (--env NAME | --spec FILE) --out DIR`: the plain files the deployment carries,
 * for review and for booting; secrets stay placeholders (`{{secret:NAME}}`).
 */
export function renderCommand(opts: RenderOptions): void {
  if (!opts.out) throw new UsageError('render needs --out DIR');
  const loaded = selectOne(opts);
  const files = planFiles(buildPlan(loaded.spec));
  writeDirAtomically(opts.out, files);
  for (const f of files) process.stdout.write(`${opts.out}/${f.path}\n`);
}
