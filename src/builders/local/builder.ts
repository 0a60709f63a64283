/**
 * The local qemu builder: one layer as Packer-style steps (steps.ts) sharing a typed context.
 * Every step that makes something undoes it in reverse on failure or cancel (the VM killed, the
 * staging directory discarded, the lock released), unless -on-error chose to leave the machine
 * running for debugging: then the private key is written beside its disk and the outcome says
 * how to log in.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runSteps, type Step } from '../../build/steps.js';
import type { ImageRecord } from '../../registry/images.js';
import { LAYER_FILES, type BuildEvents, type LayerBuildDeps, type LayerBuildRequest, type LayerContext } from './build-context.js';
import { connectStep, keyStep, launchStep, sshUser, waitSshStep } from './steps/boot.js';
import { acceleratorStep, diskStep } from './steps/disk.js';
import { commitStep, shutdownStep } from './steps/finish.js';
import { lockStep, stageStep } from './steps/lock-and-stage.js';
import { provisionStep } from './steps/provision.js';

export type { BuildEvents, LayerBuildDeps, LayerBuildRequest } from './build-context.js';

export const LAYER_STEPS: ReadonlyArray<Step<LayerContext>> = [
  lockStep,
  stageStep,
  diskStep,
  acceleratorStep,
  keyStep,
  launchStep,
  waitSshStep,
  connectStep,
  provisionStep,
  shutdownStep,
  commitStep,
];

export type LayerBuildOutcome =
  | { kind: 'built'; image: ImageRecord; durationMs: number }
  | { kind: 'failed'; step: string; error: unknown; durationMs: number; leftRunning?: { sshCommand: string; keyFile: string; vmName: string }; cleanupErrors: unknown[] }
  | { kind: 'cancelled'; step: string; durationMs: number };

export async function buildLayer(deps: LayerBuildDeps, req: LayerBuildRequest, steps: ReadonlyArray<Step<LayerContext>> = LAYER_STEPS): Promise<LayerBuildOutcome> {
  const log: string[] = [];
  const stamp = () => new Date(deps.clock.now()).toISOString();
  // Everything reported about the layer also goes to its build.log.
  const events: BuildEvents = {
    step: (layer, step, state) => {
      log.push(`${stamp()} step ${step}: ${state}`);
      deps.events.step(layer, step, state);
    },
    log: (layer, message) => {
      log.push(`${stamp()} ${message}`);
      deps.events.log(layer, message);
    },
    output: (layer, line) => {
      log.push(`${stamp()}     ${line}`);
      deps.events.output(layer, line);
    },
  };
  const ctx: LayerContext = { req, deps: { ...deps, events }, log, durations: {} };
  const started = deps.clock.now();
  let stepStarted = started;
  const result = await runSteps(steps, ctx, {
    signal: req.signal,
    onError: req.onError,
    hooks: {
      onStepStart: (step) => {
        stepStarted = deps.clock.now();
        events.step(req.name, step, 'start');
      },
      onStepEnd: (step, outcome) => {
        ctx.durations[`${step.replaceAll(' ', '-')}Ms`] ??= deps.clock.now() - stepStarted;
        events.step(req.name, step, outcome === 'ok' ? 'ok' : outcome);
      },
    },
  });
  const durationMs = deps.clock.now() - started;
  const { outcome } = result;
  if (outcome.kind === 'completed') return { kind: 'built', image: ctx.committed!, durationMs };
  if (outcome.kind === 'cancelled') return { kind: 'cancelled', step: outcome.step, durationMs };
  const failed: LayerBuildOutcome = { kind: 'failed', step: outcome.step, error: outcome.error, durationMs, cleanupErrors: result.cleanupErrors.map((e) => e.error) };
  if (result.leftRunning && ctx.vm && ctx.key && ctx.staging) {
    // The VM is alive; the lock is not needed to debug it, and a later build must not wait for it.
    ctx.lock?.release();
    const keyFile = path.join(ctx.staging.dir, LAYER_FILES.debugKey);
    await writeFile(keyFile, ctx.key.privateKey, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    const sshCommand = `ssh -i ${keyFile} -p ${ctx.vm.sshPort} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${sshUser(ctx)}@127.0.0.1`;
    failed.leftRunning = { sshCommand, keyFile, vmName: ctx.vm.name };
  }
  return failed;
}
