/**
 * The stock cdktf template path ("app": "npx ts-node main.ts"): the same stacks as `rmq-ha synth`,
 * type-checked and transpiled by ts-node on every run.
 */
import { App } from 'cdktf';
import { loadSpecFile } from '../spec/load';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';

const outdir = process.argv[2] ?? 'cdktf.out.tsnode';
const app = new App({ outdir });
const env = loadSpecFile('environments/dev.yaml');
new RabbitMqClusterStack(app, env.env, { spec: env.spec });
app.synth();
