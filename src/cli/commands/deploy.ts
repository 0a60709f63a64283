/**
 * `bake promote`, `bake rollback`, `bake status`, `bake down`: the deploy engine (src/deploy/) on
 * the local drivers, with the pipeline found and loaded like a template (same diagnostics).
 */
import { promote as runPromote, type PromotePlan } from '../../deploy/promote.js';
import { rollback as runRollback, type RollbackPlan } from '../../deploy/rollback.js';
import { environmentStatus } from '../../deploy/status.js';
import { down as runDown } from '../../deploy/down.js';
import type { DeploymentOutcome } from '../../deploy/deployment.js';
import type { RecoveryOutcome } from '../../deploy/recover.js';
import { localDeployDeps } from '../deploy-engine.js';
import { ExitCode, signalExitCode } from '../exit-codes.js';
import type { IoHost, Writer } from '../io.js';
import { loadPipelineForCli } from '../load-pipeline.js';

interface PipelineOption {
  pipeline?: string;
}

export async function promote(opts: PipelineOption & { to: string; image?: string; dryRun: boolean; json: boolean }, host: IoHost): Promise<ExitCode> {
  const pipeline = await loadPipelineForCli(host, opts.pipeline);
  if (pipeline === undefined) return ExitCode.failure;
  const progress = opts.json ? host.err : host.out;
  const deps = localDeployDeps(host, progress);
  const result = await runPromote(deps, {
    pipeline,
    env: opts.to,
    dryRun: opts.dryRun,
    ...(opts.image === undefined ? {} : { image: opts.image }),
    ...(host.signal ? { signal: host.signal } : {}),
  }).catch((e: unknown) => interrupted(host, 'promote', opts.to, e));
  if (typeof result === 'number') return result;
  if (result.kind === 'planned') return printPlan(host, opts.json, result.plan, promotePlanLines(result.plan));
  reportRecovery(progress, opts.to, result.recovered);
  if (result.kind === 'unchanged') {
    if (opts.json) host.out.line(JSON.stringify({ result: 'unchanged', env: result.env, group: result.group, image: result.image }, null, 2));
    else host.out.line(`${result.env} already runs ${result.image} (${result.group}): nothing to do`);
    return ExitCode.ok;
  }
  return reportDeployment(host, opts.json, 'promote', opts.to, result.outcome);
}

export async function rollback(opts: PipelineOption & { env: string; dryRun: boolean; json: boolean }, host: IoHost): Promise<ExitCode> {
  const pipeline = await loadPipelineForCli(host, opts.pipeline);
  if (pipeline === undefined) return ExitCode.failure;
  const progress = opts.json ? host.err : host.out;
  const deps = localDeployDeps(host, progress);
  const result = await runRollback(deps, { pipeline, env: opts.env, dryRun: opts.dryRun, ...(host.signal ? { signal: host.signal } : {}) }).catch((e: unknown) =>
    interrupted(host, 'rollback', opts.env, e),
  );
  if (typeof result === 'number') return result;
  if (result.kind === 'planned') return printPlan(host, opts.json, result.plan, rollbackPlanLines(result.plan));
  reportRecovery(progress, opts.env, result.recovered);
  return reportDeployment(host, opts.json, 'rollback', opts.env, result.outcome);
}

export async function status(opts: PipelineOption & { env: string; json: boolean }, host: IoHost): Promise<ExitCode> {
  const pipeline = await loadPipelineForCli(host, opts.pipeline);
  if (pipeline === undefined) return ExitCode.failure;
  const deps = localDeployDeps(host, host.err);
  const s = await environmentStatus(deps, pipeline, opts.env);
  reportRecovery(host.err, opts.env, s.recovered);
  if (opts.json) {
    host.out.line(JSON.stringify({ endpoint: s.endpoint ?? null, image: s.image ?? null, ...s }, null, 2));
    return ExitCode.ok;
  }
  const out = host.out;
  out.line(`environment ${s.env}`);
  out.line(`  endpoint:      ${s.endpoint ?? '-'}${s.endpoint && !s.loadBalancer.running ? ' (load balancer not running)' : ''}`);
  out.line(`  live image:    ${s.image ?? '-'}${s.live ? ` (${s.live})` : ''}`);
  if (s.inProgress) {
    const d = s.inProgress.deployment;
    out.line(`  in progress:   ${d.kind} of ${d.image} to ${d.group}, in ${d.phase} (process ${s.inProgress.holder.pid})`);
  }
  if (s.groups.length === 0) out.line('  groups:        none');
  for (const g of s.groups) {
    const until = g.status === 'previous' && g.expiresAt ? `, kept until ${g.expiresAt}` : '';
    out.line(`  ${g.name}  ${g.status}  ${g.image}${until}`);
    for (const t of g.targets) out.line(`    ${t.id}  ${t.host}:${t.port}  ${t.health}  ${t.mode}${t.detail ? `  ${t.detail}` : ''}`);
  }
  return ExitCode.ok;
}

export async function down(opts: PipelineOption & { env: string; force: boolean }, host: IoHost): Promise<ExitCode> {
  const pipeline = await loadPipelineForCli(host, opts.pipeline);
  if (pipeline === undefined) return ExitCode.failure;
  const result = await runDown(localDeployDeps(host, host.out), { pipeline, env: opts.env, force: opts.force });
  if (result.kind === 'nothing') host.out.line(`${result.env}: nothing is running`);
  else host.out.line(`${result.env} is down${result.destroyed.length ? `: destroyed ${result.destroyed.join(', ')}` : ''}; its load balancer is stopped`);
  return ExitCode.ok;
}

/**
 * A promote or rollback that SIGINT or SIGTERM stopped: the engine has already put the environment
 * back as it was (a new group destroyed, the previous one serving); it exits 130 or 143 like a build.
 * Anything else is rethrown.
 */
function interrupted(host: IoHost, verb: 'promote' | 'rollback', env: string, e: unknown): ExitCode {
  if (host.signal?.aborted !== true) throw e;
  host.err.line(`bake ${verb} (${env}) interrupted by ${String(host.signal.reason)}: ${env} was put back as it was; \`bake status --env ${env}\` shows what serves.`);
  return signalExitCode(host.signal);
}

function promotePlanLines(plan: PromotePlan): string[] {
  return [`plan: promote ${plan.image.id} (${plan.image.name}, ${plan.source}) to ${plan.env} as ${plan.group}${plan.from ? `, replacing ${plan.from}` : ''}`, ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`)];
}

function rollbackPlanLines(plan: RollbackPlan): string[] {
  return [`plan: roll ${plan.env} back from ${plan.from} to ${plan.to} (${plan.image})`, ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`)];
}

function printPlan(host: IoHost, json: boolean, plan: PromotePlan | RollbackPlan, lines: string[]): ExitCode {
  if (json) host.out.line(JSON.stringify({ result: 'planned', ...plan }, null, 2));
  else {
    for (const l of lines) host.out.line(l);
    host.out.line('dry run: nothing was changed');
  }
  return ExitCode.ok;
}

function reportRecovery(out: Writer, env: string, r: RecoveryOutcome): void {
  if (r.kind === 'rolled-back') out.line(`    ${env}: recovered an unfinished deployment: ${r.group} was destroyed (it had stopped in ${r.phase})${r.serving ? `; ${r.serving} serves` : ''}`);
  else if (r.kind === 'finished') out.line(`    ${env}: recovered an unfinished deployment: ${r.outcome.kind === 'succeeded' ? `finished, ${r.outcome.deployment.group} serves` : `it failed: ${r.outcome.message}`}`);
}

function reportDeployment(host: IoHost, json: boolean, verb: 'promote' | 'rollback', env: string, o: DeploymentOutcome): ExitCode {
  const d = o.deployment;
  if (json) {
    host.out.line(
      JSON.stringify(
        o.kind === 'succeeded'
          ? { result: 'succeeded', env, image: d.image, group: d.group, from: d.from ?? null, endpoint: o.endpoint, phasesMs: o.phasesMs, switchMs: o.switchMs ?? null }
          : { result: 'failed', env, image: d.image, group: d.group, phase: o.phase, message: o.message, checks: o.checks ?? [], serving: o.serving ?? null },
        null,
        2,
      ),
    );
  }
  if (o.kind === 'failed') {
    host.err.line(host.err.style.red(`error: ${verb} to ${env} failed in ${o.phase}: ${o.message}`));
    host.err.line(o.serving ? `${env} still serves from ${o.serving}; ${d.group} was destroyed.` : `${d.group} was destroyed; nothing serves in ${env}.`);
    return ExitCode.failure;
  }
  if (!json) {
    const phases = Object.entries(o.phasesMs).map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`).join(', ');
    host.out.line(`${verb === 'promote' ? 'promoted' : 'rolled back'}: ${env} serves ${d.image} from ${d.group} at ${o.endpoint}${d.from ? ` (was ${d.from})` : ''}`);
    host.out.line(`  phases: ${phases}${o.switchMs === undefined ? '' : `; healthy to switched: ${o.switchMs} ms`}`);
  }
  return ExitCode.ok;
}
