/**
 * `DIR/state.json`: what a harness run started. Written once by `startRabbitNodes`, read by
 * status and `stopNodes`. Parsed with zod because it is a file another process may have written
 * (or a person edited).
 */
import * as fs from 'fs';
import { z } from 'zod';
import { statePath } from './layout';
import { isAlive } from './private/proc';
import { LocalClusterState, LocalNodeState } from './types';

const port = z.number().int().min(1).max(65535);
const pid = z.number().int().min(1);

const nodeSchema = z.object({
  nodeName: z.string().min(1),
  shortName: z.string().min(1),
  pid,
  amqpPort: port,
  managementPort: port,
  prometheusPort: port,
  distPort: port,
  // Only the inter-node TLS switch (VM arguments from a file could otherwise run code).
  erlArgs: z.string().regex(/^-proto_dist inet_tls -ssl_dist_optfile \/[^\s"'\\]+$/).optional(),
});

const loadBalancerSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  kind: z.enum(['haproxy', 'nginx']),
  pid,
  host: z.string().min(1),
  amqpPort: port,
  configPath: z.string().min(1),
  runtimeDir: z.string().min(1),
});

const stateSchema = z.object({
  version: z.literal(1),
  dir: z.string().min(1),
  startedAt: z.string(),
  rabbitmqVersion: z.string(),
  epmd: z.object({ port, pid }),
  nodes: z.array(nodeSchema),
  loadBalancers: z.array(loadBalancerSchema).optional(),
});

/** Writes `DIR/state.json` atomically (temp file + rename). */
export function writeState(state: LocalClusterState): void {
  const file = statePath(state.dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

/**
 * Reads `DIR/state.json`.
 * @returns undefined when the file does not exist
 * @throws Error naming the file and the first invalid field when it exists but is malformed
 */
export function readState(dir: string): LocalClusterState | undefined {
  const file = statePath(dir);
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field '${issue.path.join('.')}' is invalid: ${issue.message}`);
  }
  return parsed.data;
}

/** Finds a node of the state by full name or short name. */
export function findNode(state: LocalClusterState, nodeName: string): LocalNodeState {
  const node = state.nodes.find((n) => n.nodeName === nodeName || n.shortName === nodeName);
  if (!node) {
    throw new Error(
      `node '${nodeName}' is not part of the harness in ${state.dir} (nodes: ${state.nodes.map((n) => n.nodeName).join(', ')})`,
    );
  }
  return node;
}

/** Liveness of every recorded process, for status output. */
export interface LocalProcessLiveness {
  /** Whether the epmd process is alive. */
  readonly epmd: boolean;
  /** Node name -> whether its `rabbitmq-server` process is alive. */
  readonly nodes: Readonly<Record<string, boolean>>;
}

/** Which recorded processes are still alive (zombies count as dead). */
export function processLiveness(state: LocalClusterState): LocalProcessLiveness {
  const nodes: Record<string, boolean> = {};
  for (const node of state.nodes) nodes[node.nodeName] = isAlive(node.pid);
  return { epmd: isAlive(state.epmd.pid), nodes };
}
