import { secretPlaceholder } from '../../plan/files';
import { remotePasswordSecret, vhostPath, type RemoteSpec } from '../../spec/topology';

/**
 * AMQP URIs of a remote cluster, one per host, with the password as a secret placeholder
 * (`amqp://user:{{secret:remote_password_<name>}}@host:port/vhost`). The variable's value is
 * inserted verbatim: it must be URI-safe (percent-encode reserved characters such as @ : /).
 */
export function remoteUris(remote: RemoteSpec): string[] {
  const scheme = remote.tls ? 'amqps' : 'amqp';
  const auth = `${encodeURIComponent(remote.user)}:${secretPlaceholder(remotePasswordSecret(remote.name))}`;
  return remote.hosts.map((h) => `${scheme}://${auth}@${h}/${vhostPath(remote.vhost)}`);
}

/** URI of this cluster as seen by a shovel running on it (a direct connection to the local node). */
export function localUri(vhost: string): string {
  return vhost === '/' ? 'amqp://' : `amqp:///${vhostPath(vhost)}`;
}

/** One URI as a string, several as a list (federation and shovels pick one per connection). */
export function uriValue(uris: readonly string[]): string | string[] {
  return uris.length === 1 ? uris[0] : [...uris];
}
