/**
 * templatefile(path, vars): renders a file as a string template with only `vars` in scope,
 * Terraform's semantics (no var.*, local.* or other roots). The template may call every function
 * except templatefile itself. Errors inside the template are reported at their place in the
 * template file, with one more at the call.
 */
import { hasErrors } from '../diagnostics.js';
import { evaluate } from '../eval/evaluate.js';
import { ANY, STRING } from '../eval/types.js';
import { isObject, typeName, type Value } from '../value.js';
import { FunctionError, type FunctionDef, type FunctionTable } from './function.js';
import { readTemplateFile } from './filesystem.js';

const NAME = /^[\p{L}_][\p{L}\p{N}_-]*$/u;

const recursionGuard: FunctionDef = {
  params: [
    { name: 'path', type: STRING },
    { name: 'vars', type: ANY },
  ],
  description: 'Not available inside a template rendered by templatefile.',
  impl: () => {
    throw new FunctionError('cannot recursively call templatefile from inside another templatefile call');
  },
};

/** `functions` is read at call time, so the registry can pass itself. */
export function makeTemplatefile(functions: () => FunctionTable): FunctionDef {
  return {
    params: [
      { name: 'path', type: STRING },
      { name: 'vars', type: ANY },
    ],
    description: 'Renders a template file with the given variables.',
    impl: ([path, vars], ctx) => {
      if (!isObject(vars)) throw new FunctionError(`a map or object of template variables is required, got ${typeName(vars ?? null)}`, 1);
      for (const k of Object.keys(vars)) {
        if (!NAME.test(k)) throw new FunctionError(`invalid template variable name ${JSON.stringify(k)}: must start with a letter, followed by zero or more letters, digits, and underscores`, 1);
      }
      if (!ctx.parseTemplate) throw new FunctionError('templatefile() is not available here: no template parser was provided');
      const { resolved, text } = readTemplateFile(path as string, ctx, 0);
      const parsed = ctx.parseTemplate(text, resolved);
      if (hasErrors(parsed.diagnostics)) {
        throw new FunctionError(`the template ${JSON.stringify(path)} has syntax errors`, undefined, parsed.diagnostics);
      }
      const { env: _env, ...withoutEnv } = ctx;
      const r = evaluate(parsed.template, {
        variables: vars,
        functions: { ...functions(), templatefile: recursionGuard },
        context: withoutEnv,
      });
      if (hasErrors(r.diagnostics)) throw new FunctionError(`failed to render ${JSON.stringify(path)}`, undefined, r.diagnostics);
      return r.value as Value;
    },
  };
}
