import { didYouMean } from '../template/suggest.js';
import type { CommandSpec } from './command-spec.js';
import { UsageError } from './errors.js';

export function unknownCommand(name: string, specs: readonly CommandSpec[]): UsageError {
  const suggestion = didYouMean(name, specs.map((s) => s.name));
  const list = `Commands: ${specs.map((s) => s.name).join(', ')}. Run "bake --help" for more.`;
  return new UsageError('ERR_BAKE_UNKNOWN_COMMAND', `unknown command "${name}"`, {
    hint: suggestion ? `${suggestion} ${list}` : list,
  });
}
