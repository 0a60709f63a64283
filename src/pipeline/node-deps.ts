/**
 * loadPipeline's dependencies on Node.js, wired as realEngine() wires the template loader's: the
 * same parser, UTF-8 decoding and expression language. Finding the template is passed in, so the
 * CLI's resolver (resolveTemplatePath) is the one used and this folder does not depend on src/cli.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeUtf8 } from '../template/encoding.js';
import { hclExpressionLanguage } from '../template/eval/language.js';
import { nodeFunctionContext } from '../template/functions/context.js';
import { parseHcl } from '../template/hcl/parser.js';
import type { LoadPipelineDeps } from './load.js';

export function nodePipelineDeps(opts: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  resolveTemplate: LoadPipelineDeps['resolveTemplate'];
}): LoadPipelineDeps {
  return {
    fs: { readFile: (p) => decodeUtf8(readFileSync(path.resolve(opts.cwd, p))) },
    parse: parseHcl,
    // As for templates, relative paths in functions resolve against the working directory.
    language: hclExpressionLanguage({ context: nodeFunctionContext(opts.cwd), env: opts.env }),
    resolveTemplate: opts.resolveTemplate,
  };
}
