/**
 * `bake build TEMPLATE`: plan the layer chain, reuse what the cache holds, build the rest base
 * first with the local qemu builder, then report per layer, write the manifest if the template
 * asks for one, and record the run in BAKE_HOME/builds.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildLayer } from '../../builders/local/builder.js';
import { createNodeProcessRunner } from '../../builders/local/process.js';
import { ProvisionFailedError } from '../../builders/local/steps/provision.js';
import { storeSalt } from '../../build/layer-variables.js';
import { nodeHashFs } from '../../build/node-hash-fs.js';
import { planLayers, qemuSources, type LayerPlan } from '../../build/plan.js';
import { runChain, type LayerResult } from '../../build/run-chain.js';
import type { OnError } from '../../build/steps.js';
import { BakeError, isBakeError } from '../../errors.js';
import { appendHistory } from '../../registry/history.js';
import { ImageStore } from '../../registry/images.js';
import { systemClock } from '../../runtime/clock.js';
import { hasErrors } from '../../template/diagnostics.js';
import type { Template } from '../../template/model.js';
import { bakeHome } from '../bake-home.js';
import { manifestEntry, writeManifest } from '../build-manifest.js';
import { listrBuildView } from '../build-listr.js';
import { plainBuildEvents, resultJson, summaryLine } from '../build-renderer.js';
import { actor } from '../actor.js';
import type { Engine } from '../engine.js';
import { ExitCode, signalExitCode } from '../exit-codes.js';
import type { IoHost } from '../io.js';
import { loadAndReport } from '../load-and-report.js';
import { renderDiagnostics, summarizeDiagnostics } from '../render-diagnostics.js';
import { displayPath, resolveTemplatePath } from '../resolve-template.js';
import type { TemplateInputs } from '../template-flags.js';

export interface BuildOptions extends TemplateInputs {
  file: string;
  force: boolean;
  noCache: boolean;
  onError: 'cleanup' | 'abort' | 'ask';
  json: boolean;
}

export async function build(opts: BuildOptions, host: IoHost, engine: Engine): Promise<ExitCode> {
  const target = await resolveTemplatePath(opts.file, host.cwd);
  const loaded = await loadAndReport(target, opts, host, engine);
  if (loaded.kind === 'invalid') return ExitCode.failure;
  const sources = qemuSources(loaded.template);
  if (sources.length === 0) {
    throw new BakeError('ERR_BAKE_NOTHING_TO_BUILD', `${target.display} builds no qemu source`, {
      hint: 'bake build runs the local qemu builder: the template needs a build with a source "qemu".',
    });
  }
  const home = bakeHome(host);
  const store = new ImageStore(home);
  const progress = opts.json ? host.err : host.out;
  const plans: LayerPlan[] = [];
  for (const source of sources) {
    plans.push(
      await planLayers(
        { cwd: host.cwd, isFile: existsSync, resolveImage: (n) => store.resolve(n), load: (p) => loadParent(p, opts, host, engine) },
        target.absolute,
        source,
        loaded.template,
      ),
    );
  }

  const clock = systemClock;
  const runner = createNodeProcessRunner({ clock });
  const signal = host.signal ?? new AbortController().signal;
  const gitCommit = gitHead(host.cwd);
  const plainEvents = plainBuildEvents(progress);
  // listr2 redraws in place: only on a real terminal, never in CI logs or with --json.
  const terminal = !opts.json && host.env.CI !== 'true' && host.out.isTTY ? host.terminal : undefined;
  const onError = onErrorPolicy(opts.onError, host);
  const runUuid = randomUUID();
  const results: LayerResult[] = [];
  for (const plan of plans) {
    progress.line(`==> plan: ${plan.layers.map((l) => l.name).join(' -> ')}${plan.baseImage ? ` (on image ${plan.baseImage.id})` : ''}`);
    const view = terminal ? listrBuildView(plan.layers.map((l) => l.name), terminal, (s) => host.redactor.redact(s)) : undefined;
    const events = view?.events ?? plainEvents;
    const chain = await runChain(
      {
        byHash: (h) => store.byHash(h),
        salt: storeSalt(home),
        hashFs: nodeHashFs(host.cwd),
        now: () => clock.now(),
        buildLayer: async (req) => {
          const outcome = await buildLayer({ runner, clock, store, home, events, dieWithParent: opts.onError === 'cleanup', ...(gitCommit ? { gitCommit } : {}) }, req);
          const layer = plan.layers.find((l) => l.name === req.name);
          if (view && layer) view.done({ ...outcome, layer, hash: req.hash });
          return outcome;
        },
        onCached: (layer, image) => (view ? view.done({ kind: 'cached', layer, image }) : progress.line(`==> ${layer.name}: cached (${image.id})`)),
        onBuilding: (layer, reason) => events.log(layer.name, `building (${reason})`),
      },
      plan,
      { force: opts.force, noCache: opts.noCache, onError, signal, cwd: host.cwd },
    );
    if (view) {
      for (const r of chain) if (r.kind === 'skipped') view.done(r);
      await view.finished;
    }
    results.push(...chain);
    if (chain.some((r) => r.kind !== 'cached' && r.kind !== 'built')) break;
  }

  for (const r of results) if (r.kind === 'failed') reportFailure(r, host);
  const ok = results.every((r) => r.kind === 'cached' || r.kind === 'built');
  if (ok) writeManifests(plans, results, loaded.template, host, store, runUuid);
  recordRun(home, runUuid, target.absolute, results, clock.now());
  for (const r of results) {
    // The audit trail records what was made or tried, not what the cache served.
    if (r.kind !== 'built' && r.kind !== 'failed' && r.kind !== 'cancelled') continue;
    appendHistory(home, {
      at: new Date(clock.now()).toISOString(),
      actor: actor(host),
      action: 'build',
      result: r.kind === 'built' ? 'succeeded' : 'failed',
      template: r.layer.templatePath,
      ...(r.kind === 'built' ? { image: r.image.id } : { detail: `${r.kind} in ${r.step}` }),
    });
  }

  if (opts.json) {
    host.out.line(JSON.stringify({ run: runUuid, ok, layers: results.map(resultJson) }, null, 2));
  } else {
    host.out.line('');
    host.out.line(`==> ${ok ? 'Builds finished' : 'Builds did not finish'}:`);
    for (const r of results) host.out.line(`  ${summaryLine(r)}`);
  }
  if (results.some((r) => r.kind === 'cancelled') || signal.aborted) return signalExitCode(signal);
  return ok ? ExitCode.ok : ExitCode.failure;
}

/** A parent template takes the user's --var values only where it declares them. */
async function loadParent(file: string, opts: TemplateInputs, host: IoHost, engine: Engine): Promise<Template> {
  const load = (vars: TemplateInputs['vars']) =>
    engine.load({ path: file, cwd: host.cwd, env: { ...host.env }, vars, varFiles: opts.varFiles });
  let result = await load(opts.vars);
  const undeclared = new Set(
    result.diagnostics
      .filter((d) => d.code === 'undeclared-variable' && d.severity === 'error' && d.range === undefined)
      .map((d) => /"([^"]+)"/.exec(d.summary)?.[1]),
  );
  if (undeclared.size > 0) result = await load(opts.vars.filter((v) => !undeclared.has(v.name)));
  host.redactor.add(result.sensitive);
  if (!result.template || hasErrors(result.diagnostics)) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    host.err.write(renderDiagnostics(errors, { cwd: host.cwd, sources: result.sources, style: host.err.style }));
    host.err.line(summarizeDiagnostics(errors, displayPath(file, host.cwd)));
    throw new BakeError('ERR_BAKE_PARENT_INVALID', `the parent template ${displayPath(file, host.cwd)} is invalid`, {
      hint: 'Fix the errors above; bake validate checks a template on its own.',
    });
  }
  return result.template;
}

function onErrorPolicy(choice: BuildOptions['onError'], host: IoHost): OnError {
  if (choice !== 'ask') return choice;
  return async (step, error) => {
    const prompt = host.prompt;
    if (!prompt) {
      host.err.line('==> -on-error=ask: stdin is not a terminal, cleaning up');
      return 'cleanup';
    }
    host.err.line(`==> step "${step}" failed: ${error instanceof Error ? error.message : String(error)}`);
    for (;;) {
      const answer = (await prompt('[c] clean up, [a] abort and leave the VM running? ')).trim().toLowerCase();
      if (answer === 'c' || answer === 'cleanup') return 'cleanup';
      if (answer === 'a' || answer === 'abort') return 'abort';
    }
  };
}

function reportFailure(r: Extract<LayerResult, { kind: 'failed' }>, host: IoHost): void {
  const { style } = host.err;
  const e = r.error;
  host.err.line(`${style.bold(style.red('error:'))} ${r.layer.name}: step "${r.step}" failed: ${e instanceof Error ? e.message : String(e)}${isBakeError(e) ? ` ${style.dim(`[${e.code}]`)}` : ''}`);
  if (e instanceof ProvisionFailedError) {
    const f = e.failure;
    host.err.line(`  command: ${f.command}`);
    if (f.exitCode !== undefined) host.err.line(`  exit code: ${f.exitCode}`);
    if (f.lastLines.length > 0) {
      host.err.line('  last lines:');
      for (const line of f.lastLines) host.err.line(`    ${line}`);
    }
  }
  if (isBakeError(e) && e.hint) host.err.line(`${style.cyan('hint:')} ${e.hint}`);
  for (const c of r.cleanupErrors) host.err.line(`warning: cleanup failed: ${c instanceof Error ? c.message : String(c)}`);
  if (r.leftRunning) {
    host.err.line(`==> ${r.layer.name}: the VM ${r.leftRunning.vmName} is left running for debugging (-on-error). Log in with:`);
    host.err.line(`    ${r.leftRunning.sshCommand}`);
    host.err.line(`    When done, stop it with "bake gc" (it reaps VMs whose bake has exited) and the staging directory goes with it.`);
  }
}

function writeManifests(plans: LayerPlan[], results: LayerResult[], _t: Template, host: IoHost, store: ImageStore, runUuid: string): void {
  for (const plan of plans) {
    const top = plan.layers.at(-1)!;
    const pp = top.buildSource.postProcessors.find((p) => p.type === 'manifest');
    if (!pp) continue;
    const result = results.find((r) => r.layer === top);
    const image = result && (result.kind === 'built' || result.kind === 'cached') ? result.image : undefined;
    if (!image) continue;
    const output = path.resolve(host.cwd, typeof pp.config.output === 'string' ? pp.config.output : 'packer-manifest.json');
    writeManifest(
      output,
      manifestEntry(image, {
        runUuid,
        imageDir: store.imageDir(image.id),
        stripPath: pp.config.strip_path === true,
        ...(pp.config.custom_data ? { customData: pp.config.custom_data as Record<string, string> } : {}),
      }),
    );
    host.err.line(`==> ${top.name}: manifest written to ${displayPath(output, host.cwd)}`);
  }
}

/** Every run is recorded, built or not, for history and debugging. */
function recordRun(home: string, runUuid: string, template: string, results: LayerResult[], now: number): void {
  const dir = path.join(home, 'builds');
  mkdirSync(dir, { recursive: true });
  const doc = { run: runUuid, template, finishedAt: new Date(now).toISOString(), layers: results.map(resultJson) };
  writeFileSync(path.join(dir, `${doc.finishedAt.replaceAll(':', '')}-${runUuid}.json`), `${JSON.stringify(doc, null, 2)}\n`);
}

function gitHead(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

