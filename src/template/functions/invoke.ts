/**
 * Calling a function with already-evaluated arguments: arity, null-ness and parameter types are
 * checked from the declared signature, arguments are converted to the parameter types (cty's
 * rule: upper(5) is "5"), then the implementation runs. The outcome is data; the evaluator turns
 * a failure into a diagnostic placed on the argument it names, or on the call.
 */
import type { Diagnostic } from '../diagnostics.js';
import { convert } from '../eval/types.js';
import type { Value } from '../value.js';
import { FunctionError, type EagerFunction, type FunctionContext, type FunctionDef, type Param } from './function.js';

export type Invocation =
  | { ok: true; value: Value }
  | {
      ok: false;
      /** HCL's summaries: "Not enough function arguments", "Invalid function argument", ... */
      summary: string;
      /** The full sentence: `Invalid value for "str" parameter: string required, got tuple.` */
      detail: string;
      /** The argument at fault, if any. */
      argIndex?: number;
      /** Errors located elsewhere (in a templatefile's template). */
      diagnostics: Diagnostic[];
    };

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function paramAt(def: FunctionDef, i: number): Param | undefined {
  return def.params[i] ?? def.variadic;
}

/** Checks the argument count against a signature; undefined when it fits. */
export function arityFailure(name: string, def: FunctionDef, count: number): Invocation | undefined {
  const want = def.params.length;
  if (count < want) {
    return {
      ok: false,
      summary: 'Not enough function arguments',
      detail: `Function "${name}" expects ${want}${def.variadic ? ' or more' : ''} argument(s). Missing value for "${def.params[count]!.name}".`,
      diagnostics: [],
    };
  }
  if (count > want && !def.variadic) {
    return { ok: false, summary: 'Too many function arguments', detail: `Function "${name}" expects only ${want} argument(s).`, argIndex: want, diagnostics: [] };
  }
  return undefined;
}

function argumentFailure(def: FunctionDef, argIndex: number, message: string, diagnostics: Diagnostic[] = []): Invocation {
  const param = paramAt(def, argIndex);
  return {
    ok: false,
    summary: 'Invalid function argument',
    detail: `Invalid value for "${param?.name ?? `#${argIndex + 1}`}" parameter: ${sentence(message)}`,
    argIndex,
    diagnostics,
  };
}

/** Turns whatever a function threw into a failure; anything but a FunctionError is a bug in it. */
export function failureFrom(name: string, def: FunctionDef, e: unknown, argCount: number): Invocation {
  if (e instanceof FunctionError) {
    if (e.argIndex !== undefined && e.argIndex < argCount) return argumentFailure(def, e.argIndex, e.message, e.diagnostics);
    return { ok: false, summary: 'Error in function call', detail: `Call to function "${name}" failed: ${sentence(e.message)}`, diagnostics: e.diagnostics };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, summary: 'Error in function call', detail: `Call to function "${name}" failed unexpectedly: ${sentence(message)}`, diagnostics: [] };
}

export function invoke(name: string, def: EagerFunction, args: readonly Value[], ctx: FunctionContext): Invocation {
  const arity = arityFailure(name, def, args.length);
  if (arity) return arity;
  const converted: Value[] = [];
  for (let i = 0; i < args.length; i++) {
    const param = paramAt(def, i)!;
    const v = args[i]!;
    if (v === null) {
      if (!param.allowNull) return argumentFailure(def, i, 'argument must not be null');
      converted.push(null);
      continue;
    }
    const c = convert(v, param.type);
    if (!c.ok) return argumentFailure(def, i, c.message);
    converted.push(c.value);
  }
  try {
    return { ok: true, value: def.impl(converted, ctx) };
  } catch (e) {
    return failureFrom(name, def, e, args.length);
  }
}
