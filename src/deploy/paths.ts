/**
 * Where an environment's deploy state lives under BAKE_HOME. Kept short: the run directory holds
 * unix sockets, whose paths may not exceed 107 bytes.
 */
import path from 'node:path';

export interface EnvironmentPaths {
  dir: string;
  /** The environment's state and in-flight deployment (state.ts), one file replaced atomically. */
  state: string;
  /** Held by the promote, rollback or down that changes the environment. */
  lock: string;
  /** Instance VM records (builders/local/detached-vm.ts). */
  vms: string;
  /** Instance QMP sockets, pid files and serial logs. */
  run: string;
  /** One directory per instance: its disk overlay and what it was launched with. */
  instances: string;
}

export function deployRoot(home: string): string {
  return path.join(home, 'deploy');
}

export function environmentPaths(home: string, env: string): EnvironmentPaths {
  const dir = path.join(deployRoot(home), env);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    lock: path.join(dir, 'lock'),
    vms: path.join(dir, 'vms'),
    run: path.join(dir, 'run'),
    instances: path.join(dir, 'instances'),
  };
}
