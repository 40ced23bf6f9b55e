import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { LoadBalancerEndpoint, NodeEndpoint } from '../../plan/endpoints';

/** Props of ClusterOutputs. */
export interface ClusterOutputsProps {
  readonly endpoints: readonly NodeEndpoint[];
  /** The load-balanced endpoint. @default - no load balancer outputs */
  readonly loadBalancer?: LoadBalancerEndpoint;
  readonly adminUser: string;
  /** Terraform references of the admin password and the Erlang cookie. */
  readonly adminPasswordToken: string;
  readonly erlangCookieToken: string;
  /** Terraform reference of the status page password. @default - none (no load balancer) */
  readonly lbStatsPasswordToken?: string;
}

/**
 * Terraform outputs shared by both targets: per-node endpoints, the list of AMQP URIs a client
 * fails over between, and the credentials (sensitive: `terraform output -raw admin_password`).
 */
export class ClusterOutputs extends Construct {
  constructor(scope: Construct, id: string, props: ClusterOutputsProps) {
    super(scope, id);
    const out = (name: string, value: unknown, description: string, sensitive = false): void => {
      new TerraformOutput(this, name, { value, description, sensitive }).overrideLogicalId(name);
    };
    out('nodes', props.endpoints.map((e) => ({ node: e.node, amqp: e.amqpUri, management: e.managementUrl })), 'AMQP and management endpoint of every node');
    out('amqp_uris', props.endpoints.map((e) => e.amqpUri), 'Client connection list: try these in order (or shuffled) on failover');
    out('management_urls', props.endpoints.map((e) => e.managementUrl), 'Management UI of every node');
    if (props.loadBalancer) {
      out('amqp_uri', props.loadBalancer.amqpUri, 'Load-balanced AMQP endpoint (use this in clients)');
      out('management_url', props.loadBalancer.managementUrl, 'Load-balanced management UI');
      if (props.loadBalancer.statsUrl && props.lbStatsPasswordToken) {
        out('load_balancer_stats_url', props.loadBalancer.statsUrl, 'HAProxy stats page (user operator, password in lb_stats_password)');
        out('lb_stats_password', props.lbStatsPasswordToken, 'Password of the HAProxy stats page', true);
      }
    }
    out('admin_username', props.adminUser, 'Administrator user created by the definitions file');
    out('admin_password', props.adminPasswordToken, 'Administrator password', true);
    out('erlang_cookie', props.erlangCookieToken, 'Shared Erlang cookie (for rabbitmqctl from outside the nodes)', true);
  }
}
