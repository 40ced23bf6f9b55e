import { TerraformStack } from 'cdktf';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Construct } from 'constructs';
import { terraformSafe } from '../constructs/private/terraform-text';
import { ClusterOutputs } from '../constructs/outputs/cluster-outputs';
import { ClusterSecrets } from '../constructs/secrets/cluster-secrets';
import { loadBalancerEndpoint, nodeEndpoints } from '../plan/endpoints';
import { deploymentFacts, FACTS_KEY } from '../plan/facts';
import { buildPlan, type ClusterPlan } from '../plan/plan';
import type { ClusterSpec, ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';
import { placeBackend } from './private/backend';

/** Props of RabbitMqClusterStack. */
export interface RabbitMqClusterStackProps {
  /** The cluster spec; validated (and defaulted) here, so a plain object works. */
  readonly spec: ClusterSpecInput | ClusterSpec;
  /**
   * Local state file, relative to the stack's directory `cdktf.out/stacks/<id>`, so the
   * synthesized JSON carries no machine path; overrides `spec.state.path` of a local backend.
   * For teams set `spec.state` (s3, gcs, azurerm, remote).
   * @default - spec.state (local terraform.tfstate)
   */
  readonly statePath?: string;
  /** Where `{ env: NAME }` values of `spec.state` are read. @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** The Terraform versions every stack accepts (`terraform.required_version`). */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.4.0';

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
    const state = props.statePath !== undefined && this.spec.state.backend === 'local' ? { ...this.spec.state, path: props.statePath } : this.spec.state;
    placeBackend(this, state, `stack ${id}`, props.environment ?? process.env);
    // terraform_data (the secret fingerprints) needs Terraform 1.4; Terraform checks this where it
    // runs, instead of a `terraform version` at synth (constructs/secrets/terraform-data.ts).
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
    // hashicorp/random only when a secret is generated: a stack whose secrets all come from
    // variables needs no provider beyond its target's.
    if (this.plan.secrets.some((s) => 'generate' in s.source)) new RandomProvider(this, 'random');
    // hashicorp/tls only when certificates are generated.
    if (this.plan.tls?.source.kind === 'generate') new TlsProvider(this, 'tls');

    // What reaches Terraform is the plan with every string escaped (`${` -> `$${`, `%{` -> `%%{`);
    // this.plan stays the plain text that render and review show.
    const safe = terraformSafe(this.plan);
    const secrets = new ClusterSecrets(this, 'secrets', { secrets: safe.secrets });
    const secretToken = secrets.token.bind(secrets);

    // Each target's constructs (and its provider's large generated classes) load only when used:
    // synthesizing a Docker stack never pays for the Kubernetes bindings, and vice versa.
    if (this.spec.target === 'docker') {
      const { placeOnDocker } = require('./private/docker-target') as typeof import('./private/docker-target');
      placeOnDocker(this, safe, secretToken);
    } else {
      const { placeOnKubernetes } = require('./private/kubernetes-target') as typeof import('./private/kubernetes-target');
      placeOnKubernetes(this, safe, secretToken);
    }

    new ClusterOutputs(this, 'outputs', {
      endpoints: nodeEndpoints(safe.spec, safe.addresses, safe.tls),
      adminUser: safe.spec.credentials.adminUser,
      adminPasswordToken: secrets.token('admin_password'),
      erlangCookieToken: secrets.token('erlang_cookie'),
      loadBalancer: loadBalancerEndpoint(safe.spec, safe.addresses.target),
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
