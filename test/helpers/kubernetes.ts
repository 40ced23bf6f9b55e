import { testApp } from './app';
import { Testing } from 'cdktf';
import type { ClusterSpecInput } from '../../spec/cluster';
import { loadSpecFile } from '../../spec/load';
import { RabbitMqClusterStack } from '../../stacks/rabbitmq-cluster-stack';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A synthesized stack as parsed JSON (snake_case keys, Terraform's shape). */
export type StackJson = any;

/** The prod environment's spec, for variants (`{ ...prodSpec(), nodes: 5 }`). */
export function prodSpec(): ClusterSpecInput {
  return loadSpecFile('environments/prod.yaml').spec as ClusterSpecInput;
}

/** Synthesizes a spec (validations on) and returns the JSON text and object. */
export function synthStack(spec: ClusterSpecInput, id = 'test'): { text: string; json: StackJson } {
  const app = testApp();
  const stack = new RabbitMqClusterStack(app, id, { spec });
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

/** A small Kubernetes spec with defaults everywhere else. */
export function k8sSpec(extra: Partial<ClusterSpecInput> = {}, version?: string): ClusterSpecInput {
  return {
    name: 'rmq',
    target: 'kubernetes',
    loadBalancer: { kind: 'none' },
    ...extra,
    rabbitmq: { ...(extra.rabbitmq ?? {}), ...(version ? { version } : {}) },
  } as ClusterSpecInput;
}

export const statefulSet = (j: StackJson): any => j.resource.kubernetes_stateful_set_v1.server;
export const podSpecOf = (j: StackJson): any => statefulSet(j).spec.template.spec;
export const rabbitContainer = (j: StackJson): any => podSpecOf(j).container.find((c: any) => c.name === 'rabbitmq');
export const envOf = (j: StackJson, name: string): any => rabbitContainer(j).env.find((e: any) => e.name === name);
export const resourcesOfType = (j: StackJson, type: string): Record<string, any> => j.resource[type] ?? {};

/** A deep copy to mutate. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
