/**
 * env(): reads an environment variable. Packer allows it only in variable defaults, so that
 * every outside input to a build is a declared, overridable variable; the engine expresses that
 * by providing ctx.env only while it evaluates those defaults.
 */
import { STRING } from '../eval/types.js';
import { FunctionError, type FunctionDef } from './function.js';

export const environmentFunctions: Record<string, FunctionDef> = {
  env: {
    params: [{ name: 'name', type: STRING }],
    description: 'The value of an environment variable, or "" if unset; only in variable defaults.',
    impl: ([name]: string[], ctx) => {
      if (!ctx.env) {
        throw new FunctionError(`env() can only be used in the default value of a variable block; declare variable "${name!.toLowerCase()}" { default = env("${name}") } and use var.${name!.toLowerCase()} here`);
      }
      return ctx.env(name!) ?? '';
    },
  },
};
