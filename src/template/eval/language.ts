/**
 * The expression language as the template engine consumes it (ExpressionLanguage in
 * ../evaluator.ts): HCL evaluation, references, type constraints and the parser's expression
 * entry point, with env() switched on only when the engine asks for it (variable defaults).
 */
import type { ExpressionLanguage } from '../evaluator.js';
import type { FunctionContext, FunctionTable } from '../functions/function.js';
import { functions as defaultFunctions } from '../functions/registry.js';
import { parseExpression } from '../hcl/parser.js';
import { evaluate } from './evaluate.js';
import { references } from './references.js';
import { convert, parseType, typeString, type Type } from './types.js';

export interface LanguageOptions {
  /** The functions' world; its `env` is ignored: env() is granted per call through allowEnv. */
  context: FunctionContext;
  /** What env() reads in variable defaults. */
  env: Readonly<Record<string, string | undefined>>;
  functions?: FunctionTable;
}

export function hclExpressionLanguage(opts: LanguageOptions): ExpressionLanguage {
  const { env: _ignored, ...context } = opts.context;
  const withEnv: FunctionContext = { ...context, env: (name) => (Object.hasOwn(opts.env, name) ? opts.env[name] : undefined) };
  const functions = opts.functions ?? defaultFunctions;
  return {
    evaluate: (expr, roots, { allowEnv }) => evaluate(expr, { variables: roots, functions, context: allowEnv ? withEnv : context }),
    references,
    parseType,
    convert: (value, type) => convert(value, type as Type),
    typeString: (type) => typeString(type as Type),
    parseExpression,
  };
}
