/**
 * The provisioner types bake can run, by the name a template gives them
 * (`provisioner "shell" { ... }`). The template engine checks configs against the schemas in
 * components.ts; this maps the same names to the code that runs them.
 */
import { fileRunner } from './file/run.js';
import type { Provisioner } from './provisioner.js';
import { shellRunner } from './shell/run.js';

export type ProvisionerRegistry = Readonly<Record<string, Provisioner>>;

export const builtinProvisioners: ProvisionerRegistry = {
  shell: shellRunner,
  file: fileRunner,
};
