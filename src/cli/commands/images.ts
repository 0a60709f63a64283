/** `bake images`, `bake rmi ID|NAME`, `bake gc`: the local image store from the command line. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runDirs } from '../../builders/local/steps/boot.js';
import { findOrphans, reapOrphan, vmRecordPath } from '../../builders/local/vm-state.js';
import { imagesInUse } from '../../deploy/images-in-use.js';
import { BakeError } from '../../errors.js';
import { ImageStore } from '../../registry/images.js';
import { systemClock } from '../../runtime/clock.js';
import { bakeHome } from '../bake-home.js';
import { ExitCode } from '../exit-codes.js';
import type { IoHost } from '../io.js';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function images(opts: { json: boolean }, host: IoHost): Promise<ExitCode> {
  const list = new ImageStore(bakeHome(host)).list();
  if (opts.json) {
    const rows = list.map((r) => ({ id: r.id, name: r.name, parent: r.parent ?? null, hash: r.hash, created: r.createdAt, size: r.size, virtualSize: r.virtualSize }));
    host.out.line(JSON.stringify(rows, null, 2));
    return ExitCode.ok;
  }
  const rows = [['ID', 'NAME', 'PARENT', 'HASH', 'CREATED', 'SIZE'], ...list.map((r) => [r.id, r.name, r.parent ?? '-', r.hash.slice(0, 12), r.createdAt, mib(r.size)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) host.out.line(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  return ExitCode.ok;
}

export async function rmi(opts: { ref: string }, host: IoHost): Promise<ExitCode> {
  const store = new ImageStore(bakeHome(host));
  const image = store.resolve(opts.ref);
  if (!image) {
    throw new BakeError('ERR_BAKE_IMAGE_NOT_FOUND', `no image ${opts.ref}`, { hint: 'bake images lists the images by id and name.' });
  }
  const users = imagesInUse(bakeHome(host)).get(image.id);
  if (users) {
    throw new BakeError('ERR_BAKE_IMAGE_IN_USE', `cannot remove ${opts.ref}: deployed as ${[...new Set(users)].join(', ')}`, {
      hint: 'Promote another image or run `bake down --env ENV` first.',
    });
  }
  const result = store.remove(image.id);
  if (result.kind === 'refused') {
    throw new BakeError('ERR_BAKE_IMAGE_IN_USE', `cannot remove ${opts.ref}: ${result.reason}`, { hint: 'Remove the images that use it first.' });
  }
  host.out.line(`removed ${image.id} (${image.name})`);
  return ExitCode.ok;
}

export async function gc(host: IoHost): Promise<ExitCode> {
  const home = bakeHome(host);
  const store = new ImageStore(home);
  let removed = 0;
  // VMs first: a VM left running by -on-error=abort has its disk in a staging directory.
  for (const found of await findOrphans(runDirs(home).stateDir)) {
    const outcome = await reapOrphan(found, { clock: systemClock });
    const what = `VM ${found.record.name}`;
    if (outcome.kind === 'stopped') host.out.line(`stopped orphan ${what} (pid ${outcome.pid}, ${outcome.signal})`);
    else if (outcome.kind === 'cleaned') host.out.line(`removed the state of ${what}, which had exited`);
    else host.err.line(`warning: ${what} (pid ${outcome.pid}) is still running`);
    removed++;
  }
  // Serial logs of failed builds are kept for reading until gc; a VM with a record is still running.
  const { runDir, stateDir } = runDirs(home);
  const logs = existsSync(runDir) ? readdirSync(runDir).filter((n) => n.endsWith('.serial.log')) : [];
  for (const log of logs) {
    if (existsSync(vmRecordPath(stateDir, log.slice(0, -'.serial.log'.length)))) continue;
    rmSync(path.join(runDir, log), { force: true });
    host.out.line(`removed the serial log ${log} of a finished VM`);
    removed++;
  }
  for (const dir of store.abandonedStaging()) {
    rmSync(dir, { recursive: true, force: true });
    host.out.line(`removed abandoned staging directory ${dir}`);
    removed++;
  }
  removed += await gcDeploymentsReport(host);
  if (removed === 0) host.out.line('nothing to clean up');
  return ExitCode.ok;
}

/** The deploy half: loaded only when some environment was ever deployed. */
async function gcDeploymentsReport(host: IoHost): Promise<number> {
  if (!existsSync(path.join(bakeHome(host), 'deploy'))) return 0;
  const { gcDeployments } = await import('../../deploy/gc.js');
  const { localDeployDeps } = await import('../deploy-engine.js');
  let removed = 0;
  for (const r of await gcDeployments(localDeployDeps(host, host.out))) {
    if (r.busy) host.err.line(`warning: ${r.env} left alone: ${r.busy}`);
    if (r.recovered.kind === 'rolled-back') host.out.line(`${r.env}: rolled back the unfinished deployment of ${r.recovered.group}`);
    if (r.recovered.kind === 'finished') host.out.line(`${r.env}: finished the unfinished deployment of ${r.recovered.outcome.deployment.group}`);
    for (const g of r.expired) host.out.line(`${r.env}: destroyed ${g}, kept past keep_previous`);
    for (const g of r.orphans) host.out.line(`${r.env}: destroyed orphan instances of ${g}`);
    removed += r.expired.length + r.orphans.length + (r.recovered.kind === 'none' ? 0 : 1);
  }
  return removed;
}
