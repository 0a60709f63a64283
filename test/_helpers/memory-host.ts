/** An IoHost writing to strings, for running commands and main() in-process. */
import { createIoHost, type Env, type IoHost } from '../../src/cli/io.js';

export interface MemoryHost {
  host: IoHost;
  stdout(): string;
  stderr(): string;
}

export function memoryHost(opts: { cwd?: string; env?: Env; tty?: boolean; signal?: AbortSignal } = {}): MemoryHost {
  let out = '';
  let err = '';
  const host = createIoHost({
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    host,
    stdout: () => {
      host.flush();
      return out;
    },
    stderr: () => {
      host.flush();
      return err;
    },
  };
}
