/** What differs between targets in nginx.conf: module loading, file locations, name resolution. */
import type { LoadBalancerRenderInput } from '../../plan/load-balancer';

/**
 * Debian builds the stream module as a dynamic module (package libnginx-mod-stream); nginx.org
 * builds (the official image) have it compiled in, where `load_module` would fail.
 */
export const DEBIAN_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** First nginx release whose open-source upstreams re-resolve names at run time (`server … resolve`). */
const RUNTIME_RESOLVE_SINCE: readonly [number, number, number] = [1, 27, 3];

/** Resolver per container target when the input names none: Docker's embedded DNS, or the cluster DNS service. */
const RESOLVER = {
  docker: '127.0.0.11',
  // Resolved once at start-up through /etc/resolv.conf (search domains apply there).
  kubernetes: 'kube-dns.kube-system.svc',
} as const;

/** Where logs, the pid file and temp files go. */
export interface NginxPaths {
  readonly pid?: string;
  readonly errorLog: string;
  readonly streamAccessLog: string;
  readonly httpAccessLog: string;
  /** Temp directories (local only: the Debian defaults live under /var/lib/nginx). */
  readonly temp?: { readonly clientBody: string; readonly proxy: string; readonly fastcgi: string; readonly uwsgi: string; readonly scgi: string };
}

export function nginxPaths(input: LoadBalancerRenderInput): NginxPaths {
  if (input.target === 'local') {
    const dir = input.runtimeDir as string;
    return {
      pid: `${dir}/nginx.pid`,
      errorLog: `${dir}/nginx-error.log`,
      streamAccessLog: `${dir}/nginx-amqp-access.log`,
      httpAccessLog: `${dir}/nginx-http-access.log`,
      temp: {
        clientBody: `${dir}/nginx-client-body`,
        proxy: `${dir}/nginx-proxy`,
        fastcgi: `${dir}/nginx-fastcgi`,
        uwsgi: `${dir}/nginx-uwsgi`,
        scgi: `${dir}/nginx-scgi`,
      },
    };
  }
  // Containers: the runtime collects stdout/stderr; pid and temp paths keep the image defaults.
  // "stderr" is nginx's keyword for fd 2 (no open(), which fails when fd 2 is a socket).
  return { errorLog: 'stderr', streamAccessLog: '/dev/stdout', httpAccessLog: '/dev/stdout' };
}

/** Version `[major, minor, patch]` from an image tag such as `nginx:1.30.4-alpine`, if it has one. */
export function nginxImageVersion(image: string): [number, number, number] | undefined {
  const tag = /:(\d+)\.(\d+)\.(\d+)[^/:@]*(?:@sha256:[a-f0-9]+)?$/.exec(image);
  return tag ? [Number(tag[1]), Number(tag[2]), Number(tag[3])] : undefined;
}

/**
 * The resolver to use for run-time re-resolution of node names, or undefined when names are
 * resolved once at start-up: the local target (IP addresses), `kind` other than nginx, or an
 * image whose tag does not show nginx ≥ 1.27.3.
 */
export function runtimeResolver(input: LoadBalancerRenderInput): string | undefined {
  if (input.target === 'local' || input.settings.kind !== 'nginx') return undefined;
  const version = nginxImageVersion(input.settings.image);
  if (version === undefined) return undefined;
  for (let i = 0; i < 3; i++) {
    if (version[i] !== RUNTIME_RESOLVE_SINCE[i]) {
      return version[i] > RUNTIME_RESOLVE_SINCE[i] ? (input.dnsResolver ?? RESOLVER[input.target]) : undefined;
    }
  }
  return input.dnsResolver ?? RESOLVER[input.target];
}
