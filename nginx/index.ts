/** nginx config rendering (pure text). */
export { NGINX_STATUS_URI, NGINX_UPSTREAM_NAMES, renderNginxConfig } from './nginx-config';
