/**
 * The HAProxy configuration of an environment's load balancer. It holds no servers: every server
 * is added through the runtime API (haproxy-admin.ts), so the configuration never has to change
 * while the load balancer runs, and nothing is ever reloaded (a reload would drop the dynamic
 * servers). A load balancer that went away is started again from this file, and the servers the
 * deploy state says are registered are added back.
 *
 * Health checks are the backend's: `option httpchk` with GET of the environment's path, each
 * server checked every `inter` with `rise`/`fall` thresholds (given per server when it is added)
 * and `timeout check` bounding each check. Every response says which server answered
 * (X-Bake-Server), which is how bake verifies a cutover through the load balancer.
 */
import type { HealthCheckSpec } from '../../../pipeline/model.js';

export interface HaproxyConfigOptions {
  port: number;
  socket: string;
  pidFile: string;
  healthCheck: HealthCheckSpec;
}

/** Backend and frontend names, as the runtime API commands refer to them. */
export const BACKEND = 'app';
export const SERVER_HEADER = 'X-Bake-Server';

export function haproxyConfig(o: HaproxyConfigOptions): string {
  return [
    '# Written by bake; servers are added at run time through the admin socket.',
    'global',
    `  stats socket ${quote(o.socket)} mode 600 level admin`,
    `  pidfile ${quote(o.pidFile)}`,
    '  nbthread 1',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    `  timeout check ${o.healthCheck.timeoutMs}ms`,
    // A request whose server went away mid-cutover is retried on another one.
    '  retries 2',
    '  option redispatch',
    '',
    'frontend www',
    `  bind 127.0.0.1:${o.port}`,
    `  default_backend ${BACKEND}`,
    `  http-response set-header ${SERVER_HEADER} %s`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    // No idle server connections: a server can then be deleted as soon as its sessions end.
    '  http-reuse never',
    '  option httpchk',
    `  http-check send meth GET uri ${quote(o.healthCheck.path)}`,
    '  http-check expect status 200-399',
    '',
  ].join('\n');
}

/**
 * A configuration word in single quotes: HAProxy expands nothing inside them. A single quote in
 * the word cannot be written this way; the pipeline schema refuses them in paths, and bake's own
 * paths are checked here.
 */
function quote(word: string): string {
  if (/['\n\r]/.test(word)) throw new Error(`cannot write ${JSON.stringify(word)} into an HAProxy configuration`);
  return `'${word}'`;
}
