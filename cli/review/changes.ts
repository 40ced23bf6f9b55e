/**
 * Every change against the last synthesis, classified the way an operator acts on it:
 * - `safe`: a plain `terraform apply` does it without a node restart that matters;
 * - `rolling`: nodes restart one at a time (Docker: the procedure printed below; Kubernetes: the
 *   StatefulSet's rolling update);
 * - `manual`: a step Terraform cannot do, printed with its exact command;
 * - `refused`: no routine change can do it safely; why, and the way that works.
 *
 * A rule table, one rule per kind of change, each with the reason it classifies as it does.
 * Facts come from the stacks' recorded deployment facts (plan/facts.ts), with a fallback for
 * stacks synthesized before they were recorded.
 */
import { readFacts, type DeploymentFacts } from '../../plan/facts';
import { upgradeVerdict } from '../../rabbitmq/upgrade-paths';
import { parseVersion } from '../../spec/version';
import type { StackDiff } from './diff';
import { cookieRotationSteps, enableFeatureFlags, nodeHandles, recordRotationStep, type NodeHandles } from './procedures';
import type { RollingProcedure } from './rolling';
import type { StackJson } from './summary';

export type ChangeKind = 'safe' | 'rolling' | 'manual' | 'refused';

/** One classified change. */
export interface ClassifiedChange {
  readonly kind: ChangeKind;
  /** Which rule classified it (`version`, `secret`, `scale-out`, ...). */
  readonly rule: string;
  /** What changes, e.g. `RabbitMQ 4.2.3 -> 4.3.4`. */
  readonly subject: string;
  /** Why it is classified so. */
  readonly why: string;
  /** The commands, in order (for `rolling` on Docker: besides the rolling procedure). */
  readonly steps: readonly string[];
}

/** What the rules read. */
export interface ChangeContext {
  readonly previous: StackJson;
  readonly next: StackJson;
  readonly diff: StackDiff;
  readonly rolling?: RollingProcedure;
  /** Secrets the user says were rotated outside the JSON (`--rotate`: new TF_VAR_ values). */
  readonly rotated: readonly string[];
  readonly before: Facts;
  readonly after: Facts;
  readonly handles: NodeHandles;
}

/** The facts the rules compare (recorded, or inferred from the resources). */
interface Facts {
  readonly version?: string;
  readonly nodes: number;
  readonly secrets: Readonly<Record<string, string>>;
  readonly plugins?: readonly string[];
  readonly recorded?: DeploymentFacts;
}

type Body = Record<string, unknown>;

function inferFacts(stack: StackJson): Facts {
  const recorded = readFacts(stack as { ['//']?: unknown });
  if (recorded) return { version: recorded.version, nodes: recorded.nodes, secrets: recorded.secrets, plugins: recorded.plugins, recorded };
  const h = nodeHandles(stack);
  const images = [
    ...Object.values((stack.resource?.docker_image ?? {}) as Record<string, Body>).map((b) => String(b.name ?? '')),
    ...Object.values((stack.resource?.kubernetes_stateful_set_v1 ?? {}) as Record<string, Body>).map((b) => JSON.stringify(b)),
  ];
  const version = images.map((t) => /rabbitmq:(\d+\.\d+\.\d+)/.exec(t)?.[1]).find((v) => v !== undefined);
  const secrets: Record<string, string> = {};
  for (const [name, b] of Object.entries((stack.resource?.random_password ?? {}) as Record<string, Body>)) secrets[name] = `generated:${String(b.length)}`;
  for (const name of Object.keys(stack.variable ?? {})) secrets[name] = `variable:${name}`;
  return { version, nodes: h.nodes, secrets };
}

const changedAddresses = (d: StackDiff): string[] => [...d.added, ...d.removed, ...d.changed];

/** A rule: which changes it finds, how it classifies them, and why. */
interface ChangeRule {
  readonly id: string;
  readonly reason: string;
  readonly classify: (ctx: ChangeContext) => ClassifiedChange[];
}

const kubernetesRolls = 'the StatefulSet replaces the pods one at a time, highest ordinal first, each drained by its preStop hook; terraform apply waits for the rollout';

export const CHANGE_RULES: readonly ChangeRule[] = [
  {
    id: 'version',
    reason: 'RabbitMQ upgrades one release line at a time, never down, with the feature flags of the running line enabled first (rabbitmq/upgrade-paths.ts).',
    classify: (ctx) => {
      const from = ctx.before.version;
      const to = ctx.after.version;
      if (!from || !to || !parseVersion(from) || !parseVersion(to)) return [];
      const v = upgradeVerdict(from, to);
      const subject = `RabbitMQ ${from} -> ${to}`;
      if (v.kind === 'same') return [];
      if (v.kind === 'refused') {
        return [{ kind: 'refused', rule: 'version', subject, why: v.why, steps: v.path.map((p, i) => `${i + 1}. ${/^\d/.test(p) ? `upgrade to ${p} (one rolling upgrade, then rmq-ha review again)` : p}`) }];
      }
      const newFlags = `${enableFeatureFlags(ctx.handles)}   # after the last node runs ${to}: the new line's flags (the next upgrade needs them)`;
      if (v.kind === 'patch') {
        return [{ kind: 'rolling', rule: 'version', subject, why: `a patch release of the same line: ${ctx.handles.target === 'kubernetes' ? kubernetesRolls : 'nodes are replaced one at a time (procedure below)'}`, steps: [] }];
      }
      if (ctx.handles.target === 'docker') {
        return [{ kind: 'rolling', rule: 'version', subject, why: `${v.rule.reason} The procedure below enables them first, then replaces one node at a time.`, steps: [newFlags] }];
      }
      // Kubernetes: inside the rollout when the running pods' preStop hook enables the flags.
      const sts = JSON.stringify(ctx.previous.resource?.kubernetes_stateful_set_v1 ?? {});
      if (sts.includes('enable_feature_flag')) {
        return [{ kind: 'rolling', rule: 'version', subject, why: `${v.rule.reason} The running pods' preStop hook enables every feature flag before each pod stops, so the rollout itself does it; ${kubernetesRolls}.`, steps: [newFlags] }];
      }
      return [{ kind: 'manual', rule: 'version', subject, why: `${v.rule.reason} The running pods were deployed without the preStop step that enables them, so do it once before the apply.`, steps: [`${enableFeatureFlags(ctx.handles)}   # before terraform apply`, 'terraform apply', newFlags] }];
    },
  },
  {
    id: 'secret',
    reason:
      'A node cannot talk to nodes with another Erlang cookie (full stop only); a password lives in definitions.json, which a node imports at boot, so it changes when the first node restarts with it.',
    classify: (ctx) => {
      const out: ClassifiedChange[] = [];
      const names = new Set([...Object.keys(ctx.before.secrets), ...Object.keys(ctx.after.secrets)]);
      for (const name of [...names].sort()) {
        const sourceChanged = ctx.before.secrets[name] !== ctx.after.secrets[name];
        const regenerated = changedAddresses(ctx.diff).includes(`random_password.${name}`);
        const rotated = ctx.rotated.includes(name);
        if (!sourceChanged && !regenerated && !rotated) continue;
        const subject = `secret ${name}${sourceChanged ? ` (${ctx.before.secrets[name] ?? 'none'} -> ${ctx.after.secrets[name] ?? 'none'})` : rotated ? ' (new value, --rotate)' : ' (regenerated)'}`;
        if (name === 'erlang_cookie') {
          out.push({ kind: 'refused', rule: 'secret', subject, why: 'REFUSED as a rolling change: nodes with different Erlang cookies cannot talk, so no order of restarts keeps the cluster together (terraform plan refuses it too). Rotate it with a full stop:', steps: cookieRotationSteps(ctx.handles) });
        } else if (name === 'lb_stats_password') {
          out.push({ kind: 'safe', rule: 'secret', subject, why: 'only the load balancer holds it: its container or pods are replaced, clients reconnect', steps: [] });
        } else if (ctx.handles.target === 'kubernetes') {
          out.push({ kind: 'rolling', rule: 'secret', subject, why: `the pod template carries a checksum of the secret values, so ${kubernetesRolls}; the first restarted pod imports the new definitions and the password changes for the whole cluster then`, steps: [] });
        } else {
          out.push({ kind: 'rolling', rule: 'secret', subject, why: 'every node container holds it (definitions.json): record the new value, then replace the nodes one at a time with the procedure below; the password changes when the first node restarts', steps: [recordRotationStep(name)] });
        }
      }
      return out;
    },
  },
  {
    id: 'scale',
    reason: 'New nodes join through peer discovery; quorum queues get members on them only by growing (automatic from 3.13); removing a node is refused by the rolling procedure.',
    classify: (ctx) => {
      const { nodes: from } = ctx.before;
      const { nodes: to } = ctx.after;
      if (to <= from || from === 0) return [];
      const subject = `nodes ${from} -> ${to}`;
      const reconciles = parseVersion(ctx.after.version ?? '') && upgradeAtLeast(ctx.after.version!, '3.13');
      const grow = Array.from({ length: to - from }, (_, i) => `${ctx.handles.exec(0)} rabbitmq-queues grow ${nodeNameHint(ctx, from + i)} all`);
      const out: ClassifiedChange[] = [
        ctx.handles.target === 'kubernetes'
          ? { kind: 'safe', rule: 'scale', subject, why: 'the new pods start and join; running pods keep running (the size hint is outside their restart trigger)', steps: [] }
          : { kind: 'rolling', rule: 'scale', subject, why: 'every node container lists its peers, so existing nodes are replaced one at a time and new ones created (procedure below)', steps: [] },
      ];
      if (!reconciles) out.push({ kind: 'manual', rule: 'scale', subject: `quorum queue members on the new node(s)`, why: 'before 3.13 a quorum queue never adds members by itself', steps: grow });
      return out;
    },
  },
  {
    id: 'plugins',
    reason: 'enabled_plugins is read at boot: every node restarts with the new set.',
    classify: (ctx) => {
      const a = ctx.before.plugins;
      const b = ctx.after.plugins;
      if (!a || !b || a.join() === b.join()) return [];
      const added = b.filter((p) => !a.includes(p));
      const removed = a.filter((p) => !b.includes(p));
      const subject = `plugins${added.length ? ` +${added.join(' +')}` : ''}${removed.length ? ` -${removed.join(' -')}` : ''}`;
      return [{ kind: 'rolling', rule: 'plugins', subject, why: ctx.handles.target === 'kubernetes' ? kubernetesRolls : 'nodes restart one at a time with the new enabled_plugins (procedure below)', steps: [] }];
    },
  },
  {
    id: 'storage',
    reason:
      'A StatefulSet\'s volume claim template is immutable: Terraform replaces the StatefulSet, every pod stops at once, and the existing claims keep their old size and class.',
    classify: (ctx) => {
      const vct = (j: StackJson) => JSON.stringify((Object.values((j.resource?.kubernetes_stateful_set_v1 ?? {}) as Record<string, Body>)[0]?.spec as Body | undefined)?.volume_claim_template ?? null);
      if (ctx.handles.target !== 'kubernetes' || vct(ctx.previous) === vct(ctx.next) || vct(ctx.previous) === 'null') return [];
      const s = ctx.handles.statefulSet!;
      return [
        {
          kind: 'refused',
          rule: 'storage',
          subject: 'kubernetes.storage (volume claim template)',
          why: 'REFUSED as a routine change: the StatefulSet would be replaced (all pods down at once) and the claims would not change. Grow the claims in place instead, when the StorageClass allows expansion:',
          steps: [
            `kubectl patch pvc -n ${s.namespace} persistence-${s.name}-<i> -p '{"spec":{"resources":{"requests":{"storage":"<new size>"}}}}'   # each pod's claim`,
            `kubectl delete statefulset -n ${s.namespace} ${s.name} --cascade=orphan   # the pods keep running`,
            'terraform apply   # recreates the StatefulSet over the running pods with the new template',
          ],
        },
      ];
    },
  },
  {
    id: 'refusals',
    reason: 'Changes that destroy a node\'s data or its cluster membership (rolling.ts refuses them).',
    classify: (ctx) => (ctx.rolling?.refusals ?? []).filter((r) => !/random_password\..*cookie/.test(r)).map((r) => ({ kind: 'refused' as const, rule: 'refusals', subject: r.replace(/^REFUSED[^:]*: /, '').split(/[.:]/)[0], why: r, steps: [] })),
  },
  {
    id: 'nodes',
    reason: 'Any other change of a node container or the pod template restarts nodes; quorum is kept only one node at a time.',
    classify: (ctx) => {
      const r = ctx.rolling;
      if (!r) return [];
      const secretsChanged = ctx.rotated.length > 0 || JSON.stringify(ctx.before.secrets) !== JSON.stringify(ctx.after.secrets) || changedAddresses(ctx.diff).some((a) => a.startsWith('random_password.'));
      const explained = secretsChanged || ctx.before.version !== ctx.after.version || ctx.before.nodes !== ctx.after.nodes || (ctx.before.plugins ?? []).join() !== (ctx.after.plugins ?? []).join();
      if (explained) return [];
      if (r.target === 'docker' && r.steps.length > 0) return [{ kind: 'rolling', rule: 'nodes', subject: `${r.steps.length} node container(s)`, why: r.steps[0].reason, steps: [] }];
      const sts = changedAddresses(ctx.diff).find((a) => a.startsWith('kubernetes_stateful_set_v1.'));
      return sts ? [{ kind: 'rolling', rule: 'nodes', subject: sts, why: kubernetesRolls, steps: [] }] : [];
    },
  },
  {
    id: 'other',
    reason: 'Load balancer, Services, budgets, outputs and other resources change without a node restart.',
    classify: (ctx) => {
      const nodeish = /^(docker_container\.node_|docker_volume\.|docker_network\.|docker_image\.|kubernetes_stateful_set_v1\.|random_password\.|terraform_data\.)/;
      const rest = changedAddresses(ctx.diff).filter((a) => !nodeish.test(a));
      return rest.length === 0 ? [] : [{ kind: 'safe', rule: 'other', subject: rest.join(', '), why: 'no RabbitMQ node restarts (a replaced load balancer closes the connections through it once; clients reconnect)', steps: [] }];
    },
  },
];

function upgradeAtLeast(v: string, min: string): boolean {
  const a = parseVersion(v)!;
  const b = parseVersion(min)!;
  return a.major > b.major || (a.major === b.major && a.minor >= b.minor);
}

function nodeNameHint(ctx: ChangeContext, index: number): string {
  const h = ctx.handles;
  if (h.target === 'kubernetes' && h.statefulSet) return `rabbit@${h.statefulSet.name}-${index}.<headless service>.${h.statefulSet.namespace}`;
  return `rabbit@${h.containers[index] ?? `<node ${index}>`}`;
}

/** Every change of `diff` classified, in rule order. */
export function classifyChanges(input: { previous: StackJson; next: StackJson; diff: StackDiff; rolling?: RollingProcedure; rotated?: readonly string[] }): ClassifiedChange[] {
  const ctx: ChangeContext = {
    ...input,
    rotated: input.rotated ?? [],
    before: inferFacts(input.previous),
    after: inferFacts(input.next),
    handles: nodeHandles(input.next),
  };
  return CHANGE_RULES.flatMap((r) => r.classify(ctx));
}
