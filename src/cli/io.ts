/**
 * The I/O host injected into every command: where output goes, whether it may be coloured, the
 * working directory and environment, and the redactor every written line passes through. Commands
 * never touch process.stdout, process.env or process.cwd() themselves; tests hand them a host that
 * writes to strings.
 */
import { Redactor } from './redactor.js';
import { createStyle, wantsColor, type Style } from './style.js';

/** Anything with a write method: process.stdout, or a string collector in tests. */
export interface Sink {
  write(text: string): unknown;
}

export interface Writer {
  write(text: string): void;
  /** Shorthand for write(text + '\n'). */
  line(text?: string): void;
  readonly isTTY: boolean;
  readonly style: Style;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface IoHost {
  readonly out: Writer;
  readonly err: Writer;
  readonly cwd: string;
  readonly env: Env;
  readonly redactor: Redactor;
  /** Aborted on SIGINT/SIGTERM (its reason is the signal's name); long commands pass it down. */
  readonly signal?: AbortSignal;
  /** The real stdout when it is a terminal, for renderers that redraw (listr2); absent in tests and pipes. */
  readonly terminal?: NodeJS.WriteStream;
  /** Asks a question on the terminal; absent when stdin is not a TTY. */
  readonly prompt?: (question: string) => Promise<string>;
  /** Writes out whatever partial last line is still buffered. main calls it before exiting. */
  flush(): void;
}

export interface IoHostOptions {
  stdout: Sink;
  stderr: Sink;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  cwd: string;
  env: Env;
  signal?: AbortSignal;
  terminal?: NodeJS.WriteStream;
  prompt?: (question: string) => Promise<string>;
}

export function createIoHost(opts: IoHostOptions): IoHost {
  const redactor = new Redactor();
  const out = new RedactingWriter(opts.stdout, redactor, opts.stdoutIsTTY ?? false, opts.env);
  const err = new RedactingWriter(opts.stderr, redactor, opts.stderrIsTTY ?? false, opts.env);
  return {
    out,
    err,
    cwd: opts.cwd,
    env: opts.env,
    redactor,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.terminal ? { terminal: opts.terminal } : {}),
    flush() {
      out.flush();
      err.flush();
    },
  };
}

/**
 * Buffers up to the end of a line, then redacts everything complete at once. Whole lines (not each
 * write) are what gets redacted so that a value written in two pieces is still found; whatever a
 * single write holds is redacted together, so a multi-line value written at once is found too.
 */
class RedactingWriter implements Writer {
  readonly style: Style;
  #pending = '';

  constructor(
    private readonly sink: Sink,
    private readonly redactor: Redactor,
    readonly isTTY: boolean,
    env: Env,
  ) {
    this.style = createStyle(wantsColor(isTTY, env));
  }

  write(text: string): void {
    this.#pending += text;
    const end = this.#pending.lastIndexOf('\n');
    if (end < 0) return;
    const complete = this.#pending.slice(0, end + 1);
    this.#pending = this.#pending.slice(end + 1);
    this.sink.write(this.redactor.redact(complete));
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  flush(): void {
    if (this.#pending === '') return;
    const rest = this.#pending;
    this.#pending = '';
    this.sink.write(this.redactor.redact(rest));
  }
}
