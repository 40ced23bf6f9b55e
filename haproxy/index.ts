/** HAProxy config rendering (pure text). */
export { HAPROXY_PROXY_NAMES, HAPROXY_STATS_URI, renderHaproxyConfig } from './haproxy-config';
