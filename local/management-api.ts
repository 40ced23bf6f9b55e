/**
 * Reading a harness node through its own management HTTP API (loopback), instead of the RabbitMQ
 * CLI: every CLI call starts an Erlang VM (0.3 s idle, 1-2 s of CPU while nodes boot on a small
 * machine), an HTTP request costs milliseconds. Used by `local up` to wait for boot, formation and
 * definitions. Every request is bounded; none is retried here (callers poll).
 */
import type { ObservedQuorumQueue } from '../plan/quorum-members';
import { LOOPBACK } from './rabbit-env';

/** Credentials of the management API (the spec's admin user). */
export interface ManagementCredentials {
  readonly username: string;
  readonly password: string;
}

/** Outcome of one request: the HTTP status and parsed JSON body, or why there is none. */
export type ManagementAnswer<T> = { readonly ok: true; readonly body: T } | { readonly ok: false; readonly reason: string };

/** The `Authorization` header value of `creds`. */
function basicAuth(creds: ManagementCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/**
 * `GET http://127.0.0.1:<port><path>` with basic auth; never rejects.
 * @returns ok with the JSON body on 200; otherwise the status or the connection error as reason
 */
export async function managementGet<T>(port: number, path: string, creds: ManagementCredentials, timeoutMs = 3000): Promise<ManagementAnswer<T>> {
  try {
    const res = await fetch(`http://${LOOPBACK}:${port}${path}`, { headers: { authorization: basicAuth(creds) }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { ok: false, reason: `GET ${path} answered ${res.status}` };
    }
    return { ok: true, body: (await res.json()) as T };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `GET ${path}: ${cause ?? (error as Error).message}` };
  }
}

/** `POST http://127.0.0.1:<port><path>` of a JSON body with basic auth; never rejects. */
export async function managementPost(port: number, path: string, creds: ManagementCredentials, body: string, timeoutMs = 30000): Promise<ManagementAnswer<undefined>> {
  try {
    const res = await fetch(`http://${LOOPBACK}:${port}${path}`, {
      method: 'POST',
      headers: { authorization: basicAuth(creds), 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return res.status < 300 ? { ok: true, body: undefined } : { ok: false, reason: `POST ${path} answered ${res.status}: ${text.slice(0, 300)}` };
  } catch (error) {
    return { ok: false, reason: `POST ${path}: ${(error as Error).message}` };
  }
}

/**
 * `POST /api/definitions` of a definitions document (an idempotent import: what exists stays, what
 * is missing is declared); never rejects.
 */
export function importDefinitions(port: number, creds: ManagementCredentials, definitionsJson: string, timeoutMs = 30000): Promise<ManagementAnswer<undefined>> {
  return managementPost(port, '/api/definitions', creds, definitionsJson, timeoutMs);
}

/**
 * Whether the node answering on `port` has an active client listener on `clientPort`
 * (`/api/health/checks/port-listener/<port>`, the HTTP counterpart of
 * `rabbitmq-diagnostics check_port_listener`; only the answering node's own listeners count).
 * RabbitMQ starts its client listeners as the last step of its boot, right before it counts as
 * running (`rabbit:is_running/0`, what `rabbitmq-diagnostics check_running` asks), so this is
 * the end of the boot as a client sees it. Answers 401 before the node has imported the admin user
 * (the first part of its definitions file, after the plugins start) and 503 before the listener.
 */
export async function clientListenerActive(port: number, clientPort: number, creds: ManagementCredentials): Promise<ManagementAnswer<unknown>> {
  return managementGet(port, `/api/health/checks/port-listener/${clientPort}`, creds);
}

/** Names of the cluster members the node reports running (`/api/nodes`, from Mnesia's running nodes). */
export async function runningNodes(port: number, creds: ManagementCredentials): Promise<ManagementAnswer<string[]>> {
  const r = await managementGet<Array<{ name: string; running: boolean }>>(port, '/api/nodes?columns=name,running', creds);
  return r.ok ? { ok: true, body: r.body.filter((n) => n.running).map((n) => n.name).sort() } : r;
}

/** A queue as `/api/queues` lists it (the columns `local up` reads). */
export interface ListedQueue {
  readonly vhost: string;
  readonly name: string;
  readonly type: string;
  /** Quorum queues: Erlang node names of the members. */
  readonly members?: readonly string[];
}

/** Every queue of the cluster with its type and quorum members (one request). */
export async function listQueues(port: number, creds: ManagementCredentials): Promise<ManagementAnswer<ListedQueue[]>> {
  return managementGet<ListedQueue[]>(port, '/api/queues?columns=vhost,name,type,members', creds, 10000);
}

/** A binding as `/api/bindings` lists it (the columns `local up` compares). */
export interface ListedBinding {
  readonly vhost: string;
  readonly source: string;
  readonly destination: string;
  readonly routing_key: string;
}

/** Every binding of the cluster (one request; the default exchange's implicit bindings included). */
export async function listBindings(port: number, creds: ManagementCredentials): Promise<ManagementAnswer<ListedBinding[]>> {
  return managementGet<ListedBinding[]>(port, '/api/bindings?columns=vhost,source,destination,routing_key', creds, 10000);
}

/** The quorum queues of a queue list, in the shape `repairQuorumMembers` compares. */
export function quorumQueuesOf(queues: readonly ListedQueue[]): ObservedQuorumQueue[] {
  return queues.filter((q) => q.type === 'quorum').map((q) => ({ vhost: q.vhost, name: q.name, members: q.members ?? [] }));
}
