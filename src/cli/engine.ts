/**
 * The template engine as the CLI uses it: the one seam between the commands and src/template.
 * Commands take an Engine as an argument, so their tests pass a fake one; realEngine() is the
 * composition root that hands the engine its Node.js dependencies.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinComponents } from '../components.js';
import type { Diagnostic } from '../template/diagnostics.js';
import { decodeUtf8 } from '../template/encoding.js';
import type { TemplateFs } from '../template/files.js';
import { hclExpressionLanguage } from '../template/eval/language.js';
import { nodeFunctionContext } from '../template/functions/context.js';
import { formatHcl } from '../template/hcl/format.js';
import { parseHcl } from '../template/hcl/parser.js';
import { loadTemplate, type LoadOptions, type LoadResult } from '../template/load.js';

export type { LoadOptions, LoadResult };

export interface FormatResult {
  output: string;
  diagnostics: Diagnostic[];
}

export interface Engine {
  load(opts: LoadOptions): Promise<LoadResult>;
  format(text: string, filename: string): FormatResult;
}

export function realEngine(): Engine {
  return {
    async load(opts) {
      return loadTemplate(opts, {
        components: builtinComponents,
        fs: nodeTemplateFs(opts.cwd),
        path: { join: path.join, dirname: path.dirname },
        // Relative paths in functions (file, templatefile, ...) resolve against the working
        // directory, as in Packer; templates use path.root to be independent of it.
        language: hclExpressionLanguage({ context: nodeFunctionContext(opts.cwd), env: opts.env }),
        parse: parseHcl,
      });
    },
    format: formatHcl,
  };
}

/**
 * Relative paths (`--var-file dev.pkrvars.hcl`) resolve against the working directory the
 * command was given, not the process's.
 */
function nodeTemplateFs(cwd: string): TemplateFs {
  const abs = (p: string) => path.resolve(cwd, p);
  return {
    readFile: (p) => decodeUtf8(readFileSync(abs(p))),
    readDir: (p) => readdirSync(abs(p)),
    kind(p) {
      try {
        return statSync(abs(p)).isDirectory() ? 'dir' : 'file';
      } catch {
        return undefined;
      }
    },
  };
}
