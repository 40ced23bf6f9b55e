#!/usr/bin/env node
/**
 * The cdktf app (cdktf.json "app"): one stack per file in environments/. `cdktf synth` and
 * `cdktf deploy <env>` run this; the CLI's `rmq-ha synth` produces the same stacks.
 */
import { App } from 'cdktf';
import { loadAllEnvironments } from '../spec/load';
import { RabbitMqClusterStack } from './rabbitmq-cluster-stack';

const app = new App();
for (const env of loadAllEnvironments()) new RabbitMqClusterStack(app, env.env, { spec: env.spec });
app.synth();
