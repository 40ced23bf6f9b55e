import { testApp } from './helpers/app';
import { Testing } from 'cdktf';
import * as lib from '../index';

describe('library entry', () => {
  test('a user main.ts can build a stack from a typed spec', () => {
    const app = testApp();
    const stack = new lib.RabbitMqClusterStack(app, 'mine', { spec: lib.clusterSpecFrom({ name: 'mine', nodes: 5 }) });
    expect(stack.plan.nodes).toHaveLength(5);
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.docker_container).filter((k) => k.startsWith('node_'))).toHaveLength(5);
    expect(lib.clusterSpec.safeParse({ name: 'x', nodes: 0 }).success).toBe(false);
  });
});
