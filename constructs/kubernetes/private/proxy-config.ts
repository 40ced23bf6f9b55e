/**
 * Just enough of haproxy.cfg and nginx.conf for the consistency checker: which ports the proxy
 * listens on, which server pool each listener forwards to, and the servers of every pool.
 * Any producer's config is read, not only this toolkit's rendering; what is not understood is
 * left out rather than guessed.
 */

/** A `server` entry: the address the proxy connects to. */
export interface ProxyServer {
  readonly host: string;
  /** NaN when the address has no port (the proxy would use a default). */
  readonly port: number;
  /** The line as written, for messages. */
  readonly text: string;
}

export interface ProxyConfig {
  /** Ports with a listener, and the pools each forwards to (HAProxy default_backend, nginx proxy_pass). */
  readonly listeners: ReadonlyMap<number, readonly string[]>;
  /** Servers of each pool (HAProxy backend or listen section, nginx upstream block). */
  readonly pools: ReadonlyMap<string, readonly ProxyServer[]>;
}

export type ProxyKind = 'haproxy' | 'nginx';

/** Where the official image of each proxy reads its config (what its default command loads). */
export const PROXY_CONFIG_PATHS: Readonly<Record<ProxyKind, string>> = {
  haproxy: '/usr/local/etc/haproxy/haproxy.cfg',
  nginx: '/etc/nginx/nginx.conf',
};

/** The proxy an image runs, from its repository name (`haproxy:3.2.22-alpine`, `registry/x/nginx@sha256:…`). */
export function proxyKindOfImage(image: string | undefined): ProxyKind | undefined {
  const repo = (image ?? '').replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  return last === 'haproxy' || last === 'nginx' ? last : undefined;
}

/** Port of a listen/bind address: `0.0.0.0:5672`, `[::]:5672`, `:5672`, `5672`. */
function portOf(address: string): number {
  const m = /(?:^|:)(\d+)$/.exec(address);
  return m ? Number(m[1]) : NaN;
}

/** `host:port` (IPv6 in brackets, or unbracketed for HAProxy, which splits on the last colon). */
function serverAddress(address: string, text: string): ProxyServer {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : NaN, text };
  const colon = address.lastIndexOf(':');
  if (colon < 0 || !/^\d+$/.test(address.slice(colon + 1))) return { host: address, port: NaN, text };
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)), text };
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** haproxy.cfg: `frontend` (bind + default_backend), `backend` (server lines), `listen` (both). */
export function parseHaproxyConfig(text: string): ProxyConfig {
  const listeners = new Map<number, string[]>();
  const pools = new Map<string, ProxyServer[]>();
  let section: { type: string; name: string; binds: number[]; target?: string } | undefined;
  const close = (): void => {
    if (!section) return;
    const target = section.type === 'listen' ? section.name : section.target;
    for (const port of section.binds) {
      if (!listeners.has(port)) listeners.set(port, []);
      if (target !== undefined) listeners.get(port)!.push(target);
    }
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    const words = line.trim().split(/\s+/);
    if (!/^\s/.test(line)) {
      close();
      section = { type: words[0], name: words[1] ?? '', binds: [] };
      continue;
    }
    if (!section) continue;
    if (words[0] === 'bind' && words[1] !== undefined) section.binds.push(portOf(words[1]));
    else if (words[0] === 'default_backend' && words[1] !== undefined) section.target = words[1];
    else if (words[0] === 'server' && words[2] !== undefined && (section.type === 'backend' || section.type === 'listen')) {
      addTo(pools, section.name, serverAddress(words[2], line.trim()));
    }
  }
  close();
  return { listeners, pools };
}

/** One nginx directive, with its block when it has one. */
interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  readonly block?: readonly Directive[];
}

/** Tokenizes nginx.conf: words, quoted strings, `{`, `}`, `;`; comments dropped. */
function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  const re = /#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+/g;
  for (const m of text.matchAll(re)) {
    const t = m[0];
    if (t.startsWith('#')) continue;
    tokens.push(/^["']/.test(t) ? t.slice(1, -1) : t);
  }
  return tokens;
}

function nginxTree(tokens: string[], at = { i: 0 }): Directive[] {
  const out: Directive[] = [];
  let words: string[] = [];
  while (at.i < tokens.length) {
    const t = tokens[at.i++];
    if (t === ';') {
      if (words.length > 0) out.push({ name: words[0], args: words.slice(1) });
      words = [];
    } else if (t === '{') {
      out.push({ name: words[0] ?? '', args: words.slice(1), block: nginxTree(tokens, at) });
      words = [];
    } else if (t === '}') {
      return out;
    } else {
      words.push(t);
    }
  }
  return out;
}

/** Upstream name of a `proxy_pass` target: `rabbitmq_amqp`, `http://rabbitmq_management/`. */
function upstreamOf(target: string): string {
  return target.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

/** nginx.conf: `upstream` blocks and the `server` blocks of `stream {}` and `http {}`. */
export function parseNginxConfig(text: string): ProxyConfig {
  const listeners = new Map<number, string[]>();
  const pools = new Map<string, ProxyServer[]>();
  const walk = (list: readonly Directive[], context: string): void => {
    for (const d of list) {
      if (!d.block) continue;
      if (d.name === 'upstream' && d.args[0] !== undefined) {
        for (const s of d.block) if (s.name === 'server' && !s.block && s.args[0] !== undefined) addTo(pools, d.args[0], serverAddress(s.args[0], ['server', ...s.args].join(' ')));
      } else if (d.name === 'server' && (context === 'stream' || context === 'http')) {
        const targets: string[] = [];
        const collect = (items: readonly Directive[]): void => {
          for (const x of items) {
            if (x.name === 'proxy_pass' && x.args[0] !== undefined) targets.push(upstreamOf(x.args[0]));
            if (x.block) collect(x.block);
          }
        };
        collect(d.block);
        for (const l of d.block) if (l.name === 'listen' && l.args[0] !== undefined) listeners.set(portOf(l.args[0]), [...new Set(targets)]);
      } else {
        walk(d.block, d.name);
      }
    }
  };
  walk(nginxTree(nginxTokens(text)), 'main');
  return { listeners, pools };
}

export function parseProxyConfig(kind: ProxyKind, text: string): ProxyConfig {
  return kind === 'haproxy' ? parseHaproxyConfig(text) : parseNginxConfig(text);
}
