/** `bake help [COMMAND]`: the same text as `bake --help` and `bake COMMAND --help`. */
import type { CommandSpec } from '../command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { renderCommandHelp, renderMainHelp } from '../help.js';
import type { IoHost } from '../io.js';
import { unknownCommand } from '../unknown-command.js';

export interface HelpOptions {
  topic?: string;
}

export async function help(opts: HelpOptions, specs: readonly CommandSpec[], host: IoHost): Promise<ExitCode> {
  if (opts.topic === undefined) {
    host.out.write(renderMainHelp(specs));
    return ExitCode.ok;
  }
  const spec = specs.find((s) => s.name === opts.topic);
  if (!spec) throw unknownCommand(opts.topic, specs);
  host.out.write(renderCommandHelp(spec));
  return ExitCode.ok;
}
