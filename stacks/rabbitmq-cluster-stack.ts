import { LocalBackend, TerraformStack } from 'cdktf';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Construct } from 'constructs';
import { ClusterOutputs } from '../constructs/outputs/cluster-outputs';
import { ClusterSecrets } from '../constructs/secrets/cluster-secrets';
import { loadBalancerEndpoint, nodeEndpoints } from '../plan/endpoints';
import { deploymentFacts, FACTS_KEY } from '../plan/facts';
import { buildPlan, type ClusterPlan } from '../plan/plan';
import type { ClusterSpec, ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';

/** Props of RabbitMqClusterStack. */
export interface RabbitMqClusterStackProps {
  /** The cluster spec; validated (and defaulted) here, so a plain object works. */
  readonly spec: ClusterSpecInput | ClusterSpec;
  /**
   * Local state file, relative to the stack's directory `cdktf.out/stacks/<id>`, so the
   * synthesized JSON carries no machine path. Use a remote backend for teams.
   * @default terraform.tfstate
   */
  readonly statePath?: string;
}

/**
 * One environment: a Terraform stack that deploys a whole RabbitMQ cluster on the spec's target.
 * Also usable from a user's own cdktf `main.ts`.
 */
export class RabbitMqClusterStack extends TerraformStack {
  public readonly spec: ClusterSpec;
  public readonly plan: ClusterPlan;

  constructor(scope: Construct, id: string, props: RabbitMqClusterStackProps) {
    super(scope, id);
    this.spec = parseClusterSpec(props.spec, `stack ${id}`);
    this.plan = buildPlan(this.spec);
    new LocalBackend(this, { path: props.statePath ?? 'terraform.tfstate' });
    // hashicorp/random only when a secret is generated: a stack whose secrets all come from
    // variables needs no provider beyond its target's.
    if (this.plan.secrets.some((s) => 'generate' in s.source)) new RandomProvider(this, 'random');
    // hashicorp/tls only when certificates are generated.
    if (this.plan.tls?.source.kind === 'generate') new TlsProvider(this, 'tls');

    const secrets = new ClusterSecrets(this, 'secrets', { secrets: this.plan.secrets });
    const secretToken = secrets.token.bind(secrets);

    // Each target's constructs (and its provider's large generated classes) load only when used:
    // synthesizing a Docker stack never pays for the Kubernetes bindings, and vice versa.
    if (this.spec.target === 'docker') {
      const { placeOnDocker } = require('./private/docker-target') as typeof import('./private/docker-target');
      placeOnDocker(this, this.plan, secretToken);
    } else {
      const { placeOnKubernetes } = require('./private/kubernetes-target') as typeof import('./private/kubernetes-target');
      placeOnKubernetes(this, this.plan, secretToken);
    }

    new ClusterOutputs(this, 'outputs', {
      endpoints: nodeEndpoints(this.spec, this.plan.addresses),
      adminUser: this.spec.credentials.adminUser,
      adminPasswordToken: secrets.token('admin_password'),
      erlangCookieToken: secrets.token('erlang_cookie'),
      loadBalancer: loadBalancerEndpoint(this.spec, this.plan.addresses.target),
      lbStatsPasswordToken: this.plan.loadBalancer?.kind === 'haproxy' ? secrets.token('lb_stats_password') : undefined,
    });
  }

  /**
   * The stack's Terraform JSON with the deployment facts (plan/facts.ts) under the top-level `//`
   * comment, which Terraform ignores: the next `rmq-ha review --against` reads them back.
   */
  public override toTerraform(): any {
    const json = super.toTerraform() as Record<string, any>;
    json['//'] = { ...(json['//'] ?? {}), [FACTS_KEY]: deploymentFacts(this.plan) };
    return json;
  }
}
