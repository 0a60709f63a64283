/**
 * What building one layer with the local qemu builder takes (request and dependencies), what its
 * steps share while it runs (the typed context), and the events it reports as it goes.
 */
import type { SshCommunicator } from '../../communicator/ssh.js';
import type { SshKeyPair } from '../../communicator/keys.js';
import type { Lock } from '../../runtime/lock.js';
import type { Clock } from '../../runtime/clock.js';
import type { OnError } from '../../build/steps.js';
import type { ImageRecord, ImageStore, Staging } from '../../registry/images.js';
import type { BuildSource } from '../../template/model.js';
import type { Value } from '../../template/value.js';
import type { AcceleratorChoice } from './accelerator.js';
import type { ProcessRunner } from './process.js';
import type { Vm } from './vm.js';

export interface LayerBuildRequest {
  /** image_name or the template's base name. */
  name: string;
  templatePath: string;
  buildSource: BuildSource;
  /** The stored image this layer's disk is backed by; absent for a bootstrap source. */
  parent?: ImageRecord;
  /** The cache key (src/build/cache-key.ts). */
  hash: string;
  /** Variable values to record, sensitive ones already redacted. */
  variables: Record<string, Value>;
  /** Relative paths in provisioners resolve against this. */
  workDir: string;
  onError: OnError;
  signal: AbortSignal;
}

/** Progress as it happens; the CLI renders it. */
export interface BuildEvents {
  step(layer: string, step: string, state: 'start' | 'ok' | 'failed' | 'cancelled'): void;
  /** A message of bake's own about the layer. */
  log(layer: string, message: string): void;
  /** One line of the guest's (or mmdebstrap's) output. */
  output(layer: string, line: string): void;
}

export interface LayerBuildDeps {
  runner: ProcessRunner;
  clock: Clock;
  store: ImageStore;
  /** BAKE_HOME: locks, run-time files of VMs, the accelerator cache. */
  home: string;
  events: BuildEvents;
  gitCommit?: string;
  /** Stops bake's own VMs when bake dies; off when a failed build may be left running (-on-error=abort|ask). */
  dieWithParent: boolean;
}

export interface LayerContext {
  req: LayerBuildRequest;
  deps: LayerBuildDeps;
  buildId?: string;
  lock?: Lock;
  staging?: Staging;
  committed?: ImageRecord;
  accelerator?: AcceleratorChoice;
  disk?: string;
  kernel?: string;
  initrd?: string;
  key?: SshKeyPair;
  vm?: Vm;
  comm?: SshCommunicator;
  /** Everything reported about this layer, written to the image's build.log. */
  log: string[];
  /** Step durations in ms, for the image record. */
  durations: Record<string, number>;
}

export const LAYER_FILES = { disk: 'disk.qcow2', kernel: 'vmlinuz', initrd: 'initrd.img', log: 'build.log', serialLog: 'serial.log', debugKey: 'debug-ssh-key' } as const;
