/**
 * The entry point: argv to a command, errors to messages, the result to an exit code. This is the
 * only module that touches the real process (stdout, env, exit); everything below it gets an
 * IoHost. bin/bake bundles this file and calls run().
 */
import { didYouMean } from '../template/suggest.js';
import { wantsHelp } from './argv.js';
import { commands as builtinCommands, type Command } from './command-table.js';
import { isBakeError } from '../errors.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { createIoHost, type IoHost } from './io.js';
import { unknownCommand } from './unknown-command.js';

const globalFlags = { help: ['--help', '-h', '-help'], version: ['--version', '-v', '-version'] };

/** Runs one command line and returns its exit code; never throws and never exits. */
export async function main(argv: readonly string[], host: IoHost, commands: readonly Command[] = builtinCommands): Promise<ExitCode> {
  try {
    return await dispatch(argv, host, commands);
  } catch (e) {
    return reportError(e, host);
  }
}

async function dispatch(argv: readonly string[], host: IoHost, commands: readonly Command[]): Promise<ExitCode> {
  const specs = commands.map((c) => c.spec);
  const [first, ...rest] = argv;
  if (first === undefined) {
    host.err.write(renderMainHelp(specs));
    return ExitCode.usage;
  }
  if (globalFlags.help.includes(first)) {
    host.out.write(renderMainHelp(specs));
    return ExitCode.ok;
  }
  const name = globalFlags.version.includes(first) ? 'version' : first;
  if (name.startsWith('-')) {
    const suggestion = didYouMean(name.split('=')[0]!, [...globalFlags.help, ...globalFlags.version]);
    throw new UsageError('ERR_BAKE_UNKNOWN_FLAG', `unknown flag ${name} before the command`, {
      hint: `${suggestion ? `${suggestion} ` : ''}Flags of a command go after it: bake COMMAND --flag. Run "bake --help".`,
    });
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) throw unknownCommand(name, specs);
  if (wantsHelp(rest)) {
    host.out.write(renderCommandHelp(command.spec));
    return ExitCode.ok;
  }
  return command.run(rest, host);
}

/**
 * User errors print as `error:` + `hint:` and never with a stack. Anything else is a bug or an
 * environment problem in bake: a short message, and the stack only with BAKE_DEBUG=1.
 */
function reportError(e: unknown, host: IoHost): ExitCode {
  const { style } = host.err;
  const debug = host.env.BAKE_DEBUG === '1' || host.env.BAKE_DEBUG === 'true';
  const label = style.bold(style.red('error:'));
  const hint = (text: string) => host.err.line(`${style.cyan('hint:')} ${text}`);
  if (isBakeError(e)) {
    host.err.line(`${label} ${e.message} ${style.dim(`[${e.code}]`)}`);
    if (e.hint) hint(e.hint);
    if (e.source === 'toolkit' && debug && e.stack) host.err.line(style.dim(e.stack));
    return e.exitCode as ExitCode; // set only by bake's own error classes
  }
  host.err.line(`${label} internal error: ${e instanceof Error ? e.message : String(e)}`);
  if (debug) host.err.line(style.dim(e instanceof Error && e.stack ? e.stack : String(e)));
  else hint('this is a bug in bake; rerun with BAKE_DEBUG=1 to see where it happened, and report it.');
  return ExitCode.failure;
}

/** The real process: stdio, cwd, env, exit. Called by bin/bake. */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  // `bake inspect x | head` closes the pipe early; that is not an error worth a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(ExitCode.ok);
      throw err;
    });
  }
  // A signal aborts the command, whose steps then clean up (VMs, staging directories, locks)
  // before it returns 130 or 143. A second signal of the same kind is left to kill the process.
  const interrupt = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => interrupt.abort(sig));
  }
  const host = createIoHost({
    signal: interrupt.signal,
    ...(process.stdin.isTTY ? { prompt: askOnTerminal } : {}),
    ...(process.stdout.isTTY ? { terminal: process.stdout } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  });
  const code = await main(argv, host);
  host.flush();
  // Let pending writes to a pipe drain before exiting.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
  process.exit(code);
}

async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
