/**
 * HAProxy's runtime API on its admin socket (the management guide's "stats socket" commands), and
 * what bake reads from it: each server's health and whether it takes traffic.
 *
 * One command per connection (the socket's non-interactive mode answers and closes). Names bake
 * sends are checked against HAProxy's own rule for server names first, so nothing else can ride
 * along in a command line.
 */
import net from 'node:net';
import { BakeError } from '../../../errors.js';
import { BACKEND } from './haproxy-config.js';

const NAME = /^[A-Za-z0-9._:-]+$/;

export function serverName(id: string): string {
  if (!NAME.test(id)) throw new Error(`"${id}" cannot be an HAProxy server name`);
  return `${BACKEND}/${id}`;
}

/** Sends one command and returns HAProxy's answer. */
export function adminCommand(socket: string, command: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket);
    let answer = '';
    conn.setEncoding('utf8');
    conn.setTimeout(timeoutMs, () => conn.destroy(new Error(`HAProxy did not answer "${command}" within ${timeoutMs} ms`)));
    conn.on('connect', () => conn.end(`${command}\n`));
    conn.on('data', (chunk: string) => (answer += chunk));
    conn.on('error', reject);
    conn.on('close', (hadError) => {
      if (!hadError) resolve(answer);
    });
  });
}

/** Runs a command that answers nothing on success (set, enable, disable); an answer is its error. */
export async function adminAction(socket: string, command: string): Promise<void> {
  const answer = (await adminCommand(socket, command)).trim();
  if (answer !== '') throw new BakeError('ERR_BAKE_LB_COMMAND', `HAProxy refused "${command}": ${answer}`, { source: 'toolkit' });
}

/** A server as `show stat` and `show servers state` describe it. */
export interface ServerView {
  name: string;
  /** show stat's status: UP, DOWN, DRAIN, MAINT, "UP 1/2", "DOWN 1/3", "no check"... */
  status: string;
  /** Last check: L7OK, L7STS, L4CON, L4TOUT, INI...; "* " prefix while one runs. */
  checkStatus: string;
  checkCode: string;
  checkDurationMs: string;
  checkDesc: string;
  /** srv_admin_state flags: 0x01/0x02/0x04/0x20/0x40 maintenance, 0x08/0x10 drain. */
  admin: number;
}

const MAINT_FLAGS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const DRAIN_FLAGS = 0x08 | 0x10;

/** Every server of the backend. */
export async function showServers(socket: string): Promise<ServerView[]> {
  const [stat, state] = await Promise.all([adminCommand(socket, 'show stat'), adminCommand(socket, `show servers state ${BACKEND}`)]);
  const admin = parseServersState(state);
  return parseStat(stat)
    .filter((r) => r['pxname'] === BACKEND && r['svname'] !== 'BACKEND' && r['svname'] !== 'FRONTEND')
    .map((r) => ({
      name: r['svname'] ?? '',
      status: r['status'] ?? '',
      checkStatus: (r['check_status'] ?? '').replace(/^\* /, ''),
      checkCode: r['check_code'] ?? '',
      checkDurationMs: r['check_duration'] ?? '',
      checkDesc: r['check_desc'] ?? '',
      admin: admin.get(r['svname'] ?? '') ?? 0,
    }));
}

/** `show stat`'s CSV: a "# name,name,..." header, then one row per proxy and server. */
export function parseStat(csv: string): Record<string, string>[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** `show servers state BACKEND`: server name -> srv_admin_state. */
export function parseServersState(text: string): Map<string, number> {
  const lines = text.split('\n');
  const header = lines.find((l) => l.startsWith('# '))?.slice(2).split(' ') ?? [];
  const nameAt = header.indexOf('srv_name');
  const adminAt = header.indexOf('srv_admin_state');
  const out = new Map<string, number>();
  if (nameAt < 0 || adminAt < 0) return out;
  for (const line of lines) {
    if (line.startsWith('#') || line.trim() === '' || /^\d+$/.test(line.trim())) continue;
    const cells = line.split(' ');
    if (cells[nameAt] !== undefined) out.set(cells[nameAt]!, Number(cells[adminAt] ?? 0));
  }
  return out;
}

export type Mode = 'serving' | 'standby' | 'disabled';
export type Health = 'healthy' | 'unhealthy' | 'unknown';

export function serverMode(s: ServerView): Mode {
  if (s.admin & MAINT_FLAGS) return 'disabled';
  if (s.admin & DRAIN_FLAGS) return 'standby';
  return 'serving';
}

/**
 * Health as HAProxy's checks decided it. A server is UP (or DRAIN, which is UP without new
 * traffic) once `rise` checks in a row passed; "UP 1/2" is still up, one failure into `fall`.
 * DOWN is unhealthy when its last check failed, and unknown while it is rising or not checked yet.
 */
export function serverHealth(s: ServerView): { health: Health; detail: string } {
  if (serverMode(s) === 'disabled') return { health: 'unknown', detail: 'checks stopped' };
  const detail = checkDetail(s);
  if (/^(UP|DRAIN)\b/.test(s.status)) return { health: 'healthy', detail };
  if (/^DOWN\b/.test(s.status)) {
    const rising = /^DOWN (\d+)\/(\d+)/.exec(s.status);
    if (s.checkStatus === 'INI' || s.checkStatus === '') return { health: 'unknown', detail: 'no check finished yet' };
    if (rising && /OK$/.test(s.checkStatus)) return { health: 'unknown', detail: `${detail}; ${rising[1]} of ${rising[2]} passes needed` };
    if (/OK$/.test(s.checkStatus)) return { health: 'unknown', detail: `${detail}; rising` };
    return { health: 'unhealthy', detail };
  }
  return { health: 'unknown', detail: s.status };
}

function checkDetail(s: ServerView): string {
  if (s.checkStatus === 'INI' || s.checkStatus === '') return 'no check finished yet';
  const took = s.checkDurationMs === '' ? '' : ` after ${s.checkDurationMs} ms`;
  if (s.checkCode !== '') return `HTTP ${s.checkCode}${took}`;
  return `${s.checkDesc || s.checkStatus}${took}`;
}
