/**
 * Checks a baked webapp image for real: boots it (on a throw-away qcow2 overlay, so the image
 * itself is not changed) with launchVm, port 8080 forwarded, and checks
 *   - GET /        answers 200 and shows the app_version the image was built with;
 *   - GET /health  answers 200;
 *   - the log shipper ships: a request for a page that does not exist makes Tomcat write an
 *     access-log line, and rsyslog's imfile (provisioners/log-shipper.sh) must copy it, tagged
 *     `tomcat.access:`, into /var/log/tomcat-shipped/tomcat.log; Tomcat's own catalina log must
 *     be shipped there too (`tomcat.catalina:`).
 * Then it powers the VM down through ACPI and removes the overlay; no qemu is left running.
 *
 * Run: node --import tsx/esm bench/check-webapp.ts [--home BAKE_HOME] [--version V] [--json] IMAGE
 *   IMAGE     an image id (or name: its newest image) in BAKE_HOME (--home, else $BAKE_HOME, else .bake)
 *   --version the app_version to expect; default: the one recorded in the image's image.json
 *   --json    print the result document on stdout (progress goes to stderr)
 * Exit status: 0 if every check passed; 1 naming the checks that failed; 2 for a bad command line.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseAccelerator } from '../src/builders/local/accelerator-choice.js';
import { createNodeProcessRunner } from '../src/builders/local/process.js';
import { createOverlay } from '../src/builders/local/qemu-img.js';
import { launchVm, type Vm } from '../src/builders/local/vm.js';
import type { SshCommunicator } from '../src/communicator/ssh.js';
import { connectSsh } from '../src/communicator/ssh.js';
import { generateKeyPair } from '../src/communicator/keys.js';
import { ImageStore } from '../src/registry/images.js';
import { systemClock } from '../src/runtime/clock.js';

const MINUTE = 60_000;
/** Boot to SSH under TCG: ~16 s idle, a minute or more on a busy 2-core host. */
const SSH_TIMEOUT_MS = 6 * MINUTE;
/** Tomcat 10 under TCG takes 30-90 s after sshd to deploy ROOT and answer. */
const TOMCAT_TIMEOUT_MS = 6 * MINUTE;
/** Tomcat's AccessLogValve flushes its buffer from the background thread (about every 10 s); imfile then polls. */
const SHIP_TIMEOUT_MS = 2 * MINUTE;
const SHIPPED_LOG = '/var/log/tomcat-shipped/tomcat.log';
const APP_PORT = 8080;

interface Options {
  home: string;
  image: string;
  version?: string;
  json: boolean;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  let home = process.env.BAKE_HOME || '.bake';
  let version: string | undefined;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--home') home = value();
    else if (a === '--version') version = value();
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) throw new UsageError('give exactly one image id or name');
  return { home: path.resolve(home), image: rest[0]!, ...(version === undefined ? {} : { version }), json };
}

/** What webapp.sh writes into index.html for a version: the same HTML escaping. */
function htmlEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

async function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(20_000), redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

/** Runs a command in the guest; stdout, and the exit code (or -1 if it did not exit normally). */
async function guest(comm: SshCommunicator, command: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const result = await comm.run({ command, onStdout: (l) => out.push(l), onStderr: (l) => err.push(l) });
  return { code: result.kind === 'exited' ? result.exitCode : -1, out: out.join('\n'), err: err.join('\n') };
}

async function until<T>(timeoutMs: number, intervalMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await attempt().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() >= deadline) return undefined;
    await systemClock.sleep(intervalMs);
  }
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\nusage: node --import tsx/esm bench/check-webapp.ts [--home BAKE_HOME] [--version V] [--json] IMAGE\n`);
    return 2;
  }
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);

  const store = new ImageStore(opts.home);
  const image = store.resolve(opts.image);
  if (!image) {
    process.stderr.write(`error: no image ${opts.image} in ${opts.home}\n`);
    return 1;
  }
  const recorded = image.variables.app_version;
  const version = opts.version ?? (typeof recorded === 'string' ? recorded : undefined);
  if (version === undefined) {
    process.stderr.write(`error: image ${image.id} records no app_version; pass --version\n`);
    return 1;
  }
  const tomcat = typeof image.variables.tomcat_package === 'string' ? image.variables.tomcat_package : 'tomcat10';
  // It goes into guest command lines below: a Debian package name or nothing.
  if (!/^[a-z0-9][a-z0-9.+-]*$/.test(tomcat)) {
    process.stderr.write(`error: image ${image.id} records tomcat_package ${JSON.stringify(tomcat)}, not a Debian package name\n`);
    return 1;
  }
  const imageDir = store.imageDir(image.id);
  const clock = systemClock;
  const runner = createNodeProcessRunner({ clock });
  const checks: Check[] = [];
  const timings: Record<string, number> = {};
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    say(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };

  // Short: the QMP socket's path must fit a unix socket address.
  const work = await mkdtemp(path.join(os.tmpdir(), 'bake-check-'));
  const vmName = `bake-check-${randomBytes(4).toString('hex')}`;
  let vm: Vm | undefined;
  let comm: SshCommunicator | undefined;
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => stop.abort(new Error(`interrupted by ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  try {
    const disk = path.join(work, 'disk.qcow2');
    await createOverlay(runner, { parent: path.join(imageDir, image.files.disk), child: disk, backingPath: 'absolute' });
    const accel = await chooseAccelerator({ runner, clock, home: opts.home }, { kernel: path.join(imageDir, image.files.kernel), signal: stop.signal });
    const key = generateKeyPair(`${vmName}@check-webapp`);
    say(`booting ${image.name} ${image.id} (${accel.accelerator}: ${accel.reason}); expecting app_version ${version}`);
    vm = await launchVm(
      { runner, clock },
      {
        name: vmName,
        disk,
        kernel: path.join(imageDir, image.files.kernel),
        initrd: path.join(imageDir, image.files.initrd),
        accelerator: accel.accelerator,
        sshPublicKey: key.publicKey,
        forwards: [{ guestPort: APP_PORT }],
        runDir: path.join(work, 'run'),
        stateDir: path.join(work, 'state'),
        signal: stop.signal,
      },
    );
    const appPort = vm.forwards.find((f) => f.guestPort === APP_PORT)!.hostPort;
    const ready = await vm.waitForSsh(SSH_TIMEOUT_MS, stop.signal);
    if (ready.kind !== 'ready') {
      check('boot', false, `no SSH within ${SSH_TIMEOUT_MS / 1000} s (${ready.kind}); serial log tail:\n${serialTail(vm.serialLog)}`);
      return 1;
    }
    timings.bootToSshMs = ready.afterMs;
    comm = await connectSsh({ host: '127.0.0.1', port: vm.sshPort, username: 'root', privateKey: key.privateKey, timeoutMs: 2 * MINUTE, signal: stop.signal });
    check('boot', true, `SSH after ${(ready.afterMs / 1000).toFixed(1)} s`);

    const tomcatStarted = Date.now();
    const health = await until(TOMCAT_TIMEOUT_MS, 2_000, async () => {
      stop.signal.throwIfAborted();
      const r = await httpGet(appPort, '/health');
      return r.status === 200 ? r : undefined;
    });
    stop.signal.throwIfAborted();
    if (!health) {
      const status = await guest(comm, `systemctl --no-pager status ${tomcat} 2>&1 | tail -20`);
      check('GET /health', false, `no 200 within ${TOMCAT_TIMEOUT_MS / 1000} s of SSH; ${tomcat} status:\n${status.out}`);
    } else {
      timings.tomcatAfterSshMs = Date.now() - tomcatStarted;
      check('GET /health', health.body.trim() === 'ok', `200 after ${((Date.now() - tomcatStarted) / 1000).toFixed(1)} s, body ${JSON.stringify(health.body.trim())}`);
    }

    const front = await httpGet(appPort, '/').catch((e: Error) => ({ status: 0, body: e.message }));
    const shown = /<span id="version">([^<]*)<\/span>/.exec(front.body)?.[1];
    check(
      'GET / shows app_version',
      front.status === 200 && shown === htmlEscape(version),
      `status ${front.status}, version shown ${shown === undefined ? '(none)' : JSON.stringify(shown)}, expected ${JSON.stringify(htmlEscape(version))}`,
    );

    // A request Tomcat logs in its access log; the marker makes this run's line unique.
    const marker = `/bake-check-missing-${randomBytes(6).toString('hex')}`;
    const missing = await httpGet(appPort, marker).catch((e: Error) => ({ status: 0, body: e.message }));
    check('GET of a missing page', missing.status === 404, `${marker} answered ${missing.status}`);
    const shipStarted = Date.now();
    const shipped = await until(SHIP_TIMEOUT_MS, 2_000, async () => {
      stop.signal.throwIfAborted();
      const r = await guest(comm!, `grep -F -- '${marker}' ${SHIPPED_LOG}`);
      return r.code === 0 && r.out.trim() !== '' ? r.out.trim() : undefined;
    });
    stop.signal.throwIfAborted();
    if (shipped) {
      timings.shippedAfterMs = Date.now() - shipStarted;
      check('access log line shipped', shipped.includes('tomcat.access:'), `in ${SHIPPED_LOG} after ${((Date.now() - shipStarted) / 1000).toFixed(1)} s: ${shipped.split('\n')[0]}`);
    } else {
      // Tell a shipper that does not ship from a Tomcat that did not log.
      const source = await guest(comm, `grep -lF -- '${marker}' /var/log/${tomcat}/localhost_access_log.*.txt; systemctl is-active rsyslog; ls -l /var/log/tomcat-shipped/`);
      check('access log line shipped', false, `${marker} not in ${SHIPPED_LOG} within ${SHIP_TIMEOUT_MS / 1000} s; source access log, rsyslog state, shipped dir:\n${source.out}\n${source.err}`);
    }
    const catalina = await guest(comm, `grep -m1 -F 'tomcat.catalina:' ${SHIPPED_LOG}`);
    check('catalina log shipped', catalina.code === 0, catalina.code === 0 ? catalina.out.trim().slice(0, 200) : `no tomcat.catalina: line in ${SHIPPED_LOG}`);

    await comm.close();
    comm = undefined;
    const down = await vm.powerdown(2 * MINUTE);
    check('powerdown', down.kind === 'powered-off', down.kind === 'already-exited' ? 'qemu had already exited' : `${down.kind} after ${(down.afterMs / 1000).toFixed(1)} s`);
  } catch (e) {
    check('run', false, stop.signal.aborted ? String((stop.signal.reason as Error).message) : `${(e as Error).message}`);
  } finally {
    await comm?.close().catch(() => undefined);
    if (vm) await vm.kill();
    await rm(work, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // launchVm names the qemu process with -name; none may outlive this script.
  const left = spawnSync('pgrep', ['-f', '--', `-name ${vmName}`], { encoding: 'utf8' }).stdout.trim();
  check('no qemu left', left === '', left === '' ? `no process named ${vmName}` : `still running: pid ${left}`);

  const failed = checks.filter((c) => !c.ok);
  const result = { image: image.id, name: image.name, version, ok: failed.length === 0, checks, timings, totalMs: Date.now() - started };
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (failed.length > 0) {
    process.stderr.write(`check-webapp: ${image.id} FAILED: ${failed.map((c) => c.name).join(', ')}\n`);
    return 1;
  }
  say(`check-webapp: ${image.id} passed ${checks.length} checks in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

function serialTail(file: string): string {
  const r = spawnSync('tail', ['-n', '30', file], { encoding: 'utf8' });
  return r.stdout;
}

process.exitCode = await main();
