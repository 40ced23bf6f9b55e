/** The docker CLI against the private engine (DOCKER_HOST), bounded. */
import { mustRun, run, type RunResult } from './run';

/** A docker CLI bound to one engine. */
export class DockerCli {
  constructor(readonly dockerHost: string, readonly binary = 'docker') {}

  run(args: readonly string[], timeoutMs = 60000): Promise<RunResult> {
    return run(this.binary, args, { env: { DOCKER_HOST: this.dockerHost }, timeoutMs });
  }

  must(args: readonly string[], timeoutMs = 60000): Promise<RunResult> {
    return mustRun(this.binary, args, { env: { DOCKER_HOST: this.dockerHost }, timeoutMs });
  }

  /** `docker exec NAME ...` (stdout), throwing on a non-zero exit. */
  async exec(container: string, args: readonly string[], timeoutMs = 60000): Promise<string> {
    return (await this.must(['exec', container, ...args], timeoutMs)).stdout;
  }

  /** `docker inspect` of one object, parsed. */
  async inspect<T = Record<string, unknown>>(name: string, kind: 'container' | 'volume' | 'network' = 'container'): Promise<T> {
    const r = await this.must([kind, 'inspect', name]);
    return (JSON.parse(r.stdout) as T[])[0];
  }

  /** Container state: running, health status (or undefined without a health check), restart count, pid. */
  async state(name: string): Promise<{ running: boolean; paused: boolean; health?: string; restartCount: number; startedAt: string; pid: number }> {
    const c = await this.inspect<{ State: { Running: boolean; Paused: boolean; Health?: { Status: string }; StartedAt: string; Pid: number }; RestartCount: number }>(name);
    return { running: c.State.Running, paused: c.State.Paused, health: c.State.Health?.Status, restartCount: c.RestartCount, startedAt: c.State.StartedAt, pid: c.State.Pid };
  }

  /** Names of the objects of a kind that carry a label (`key=value`). */
  async labelled(kind: 'container' | 'volume' | 'network', label: string): Promise<string[]> {
    const args = kind === 'container' ? ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}'] : [kind, 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}'];
    const r = await this.must(args);
    return r.stdout.split('\n').filter(Boolean).sort();
  }
}
