/**
 * The HAProxy configuration of an environment's load balancer. When HAProxy starts it holds no
 * servers: every server is added through the runtime API (haproxy-admin.ts), and a load balancer
 * that went away is started again from this file, with the servers the deploy state says are
 * registered added back.
 *
 * The one change that needs a new configuration while HAProxy runs is a new health check (path or
 * timeout: backend settings). That is a seamless reload (load-balancer.ts): the running servers
 * are written in as static `server` lines, their states (ready, drain, maintenance, health) are
 * carried over in a server-state file, and the new process takes over the listening socket from
 * the old one (`-x`, which needs `expose-fd listeners`), which finishes its connections.
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
  /** For a reload: the servers running now, and the file their states were saved to. */
  reload?: { servers: readonly { id: string; host: string; port: number }[]; stateFile: string };
}

/** Backend and frontend names, as the runtime API commands refer to them. */
export const BACKEND = 'app';
export const SERVER_HEADER = 'X-Bake-Server';

export function haproxyConfig(o: HaproxyConfigOptions): string {
  return [
    '# Written by bake; servers are added at run time through the admin socket.',
    'global',
    `  stats socket ${quote(o.socket)} mode 600 level admin expose-fd listeners`,
    `  pidfile ${quote(o.pidFile)}`,
    '  nbthread 1',
    // An old process left by a reload ends once its connections do, or after this.
    '  hard-stop-after 30s',
    ...(o.reload ? [`  server-state-file ${quote(o.reload.stateFile)}`] : []),
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
    ...(o.reload ? ['  load-server-state-from-file global', ...o.reload.servers.map((s) => `  server ${serverWord(s.id)} ${s.host}:${s.port} ${serverChecks(o.healthCheck)}`)] : []),
    '',
  ].join('\n');
}

/** A server's check settings, the same in the configuration and in `add server`. */
export function serverChecks(hc: HealthCheckSpec): string {
  return `check inter ${hc.intervalMs}ms rise ${hc.healthyThreshold} fall ${hc.unhealthyThreshold}`;
}

function serverWord(id: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`"${id}" cannot be an HAProxy server name`);
  return id;
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
