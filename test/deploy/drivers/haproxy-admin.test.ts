/** Reading HAProxy's runtime API answers (samples captured from Debian's HAProxy 2.6), and the config. */
import { describe, expect, it } from 'vitest';
import { parseServersState, parseStat, serverHealth, serverMode, serverName, type ServerView } from '../../../src/deploy/drivers/local/haproxy-admin.js';
import { haproxyConfig } from '../../../src/deploy/drivers/local/haproxy-config.js';

const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 app 1 web-staging-v001-0 127.0.0.1 2 8 1 1 1 1 0 0 2 0 0 0 - 18081 - 0 0 - - 0
3 app 2 web-staging-v002-0 127.0.0.1 2 0 1 1 1 1 0 0 2 0 0 0 - 18082 - 0 0 - - 0
3 app 3 web-staging-v000-0 127.0.0.1 0 1 1 1 1 1 0 0 2 0 0 0 - 18083 - 0 0 - - 0

`;

const STAT = `# pxname,svname,status,check_status,check_code,check_duration,check_desc
www,FRONTEND,OPEN,,,,
app,web-staging-v001-0,DRAIN,L7OK,200,1,Layer7 check passed
app,web-staging-v002-0,UP 1/2,L7STS,503,2,Layer7 wrong status
app,BACKEND,UP,,,,
`;

const view = (over: Partial<ServerView>): ServerView => ({
  name: 's',
  status: 'UP',
  checkStatus: 'L7OK',
  checkCode: '200',
  checkDurationMs: '3',
  checkDesc: 'Layer7 check passed',
  admin: 0,
  ...over,
});

describe('HAProxy runtime API answers', () => {
  it('reads show stat by column name, whatever the column order', () => {
    const rows = parseStat(STAT);
    expect(rows.find((r) => r['svname'] === 'web-staging-v002-0')).toMatchObject({ status: 'UP 1/2', check_code: '503' });
    expect(rows).toHaveLength(4);
  });

  it("reads each server's admin state from show servers state", () => {
    expect([...parseServersState(SERVERS_STATE)]).toEqual([
      ['web-staging-v001-0', 8],
      ['web-staging-v002-0', 0],
      ['web-staging-v000-0', 1],
    ]);
    expect(parseServersState('')).toEqual(new Map());
  });

  it('maps admin states to modes', () => {
    expect(serverMode(view({ admin: 0 }))).toBe('serving');
    expect(serverMode(view({ admin: 0x08 }))).toBe('standby');
    expect(serverMode(view({ admin: 0x10 }))).toBe('standby');
    expect(serverMode(view({ admin: 0x01 | 0x08 }))).toBe('disabled');
    expect(serverMode(view({ admin: 0x20 }))).toBe('disabled');
  });

  it('tells healthy, failing, rising and unchecked servers apart', () => {
    expect(serverHealth(view({ status: 'UP' }))).toEqual({ health: 'healthy', detail: 'HTTP 200 after 3 ms' });
    expect(serverHealth(view({ status: 'DRAIN', admin: 0x08 })).health).toBe('healthy');
    // Up, one failure into `fall`: still up.
    expect(serverHealth(view({ status: 'UP 1/2', checkStatus: 'L7STS', checkCode: '503' })).health).toBe('healthy');
    expect(serverHealth(view({ status: 'DOWN', checkStatus: 'L7STS', checkCode: '503' }))).toEqual({ health: 'unhealthy', detail: 'HTTP 503 after 3 ms' });
    expect(serverHealth(view({ status: 'DOWN', checkStatus: 'L4CON', checkCode: '', checkDesc: 'Layer4 connection problem' }))).toEqual({
      health: 'unhealthy',
      detail: 'Layer4 connection problem after 3 ms',
    });
    expect(serverHealth(view({ status: 'DOWN 1/3', checkStatus: 'L7OK' }))).toEqual({ health: 'unknown', detail: 'HTTP 200 after 3 ms; 1 of 3 passes needed' });
    expect(serverHealth(view({ status: 'DOWN', checkStatus: 'INI', checkCode: '' })).health).toBe('unknown');
    expect(serverHealth(view({ status: 'MAINT', admin: 0x01 }))).toEqual({ health: 'unknown', detail: 'checks stopped' });
  });

  it('only sends server names HAProxy accepts', () => {
    expect(serverName('web-staging-v003-1')).toBe('app/web-staging-v003-1');
    expect(() => serverName('a b')).toThrow();
    expect(() => serverName('x;shutdown sessions')).toThrow();
  });
});

describe('the HAProxy configuration', () => {
  const hc = { path: '/health?deep=1', intervalMs: 2000, timeoutMs: 1000, healthyThreshold: 3, unhealthyThreshold: 2, deadlineMs: 60_000 };
  it('listens on loopback only, checks the path in single quotes and names the answering server', () => {
    const cfg = haproxyConfig({ port: 40123, socket: '/run/x/lb.sock', pidFile: '/run/x/haproxy.pid', healthCheck: hc });
    expect(cfg).toContain('bind 127.0.0.1:40123');
    expect(cfg).toContain("http-check send meth GET uri '/health?deep=1'");
    expect(cfg).toContain('timeout check 1000ms');
    expect(cfg).toContain("stats socket '/run/x/lb.sock' mode 600 level admin");
    expect(cfg).toContain('http-response set-header X-Bake-Server %s');
    expect(cfg).not.toMatch(/^\s*server /m);
  });
  it('for a reload, writes in the running servers with the checks of add server, and loads their saved states', () => {
    const cfg = haproxyConfig({
      port: 40123,
      socket: '/run/x/lb.sock',
      pidFile: '/run/x/haproxy.pid',
      healthCheck: hc,
      reload: { servers: [{ id: 'web-staging-v002-0', host: '127.0.0.1', port: 35001 }], stateFile: '/run/x/servers.state' },
    });
    expect(cfg).toContain("server-state-file '/run/x/servers.state'");
    expect(cfg).toContain('load-server-state-from-file global');
    expect(cfg).toMatch(/^  server web-staging-v002-0 127\.0\.0\.1:35001 check inter 2000ms rise 3 fall 2$/m);
    expect(cfg).toContain('expose-fd listeners');
  });
  it('refuses words it cannot quote', () => {
    expect(() => haproxyConfig({ port: 1, socket: "/tmp/it's", pidFile: '/p', healthCheck: hc })).toThrow(/cannot write/);
  });
});
