/**
 * The floor of any cdktf app: precompiled JS, deep imports, three docker_containers, app.synth().
 * `rmq-ha synth` is compared against this.
 */
import { App, TerraformStack } from 'cdktf';
import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';

const outdir = process.argv[2] ?? 'cdktf.out.floor';
const app = new App({ outdir });
const stack = new TerraformStack(app, 'floor');
new DockerProvider(stack, 'docker', {});
for (let i = 0; i < 3; i++) new Container(stack, `c${i}`, { name: `c${i}`, image: 'rabbitmq:4.3.4-management' });
app.synth();
