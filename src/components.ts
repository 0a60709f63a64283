/**
 * The built-in components a template may name. The template engine takes this registry as an
 * argument, so it never imports builders or provisioners itself.
 */
import { qemuSource } from './builders/local/config.js';
import { manifestPostProcessor } from './post-processors/manifest/config.js';
import { fileProvisioner } from './provisioners/file/config.js';
import { shellProvisioner } from './provisioners/shell/config.js';
import type { ComponentRegistry } from './template/schema/spec.js';
import { nullDataSource } from './template/blocks/data.js';

export const builtinComponents: ComponentRegistry = {
  sources: { qemu: qemuSource },
  provisioners: { shell: shellProvisioner, file: fileProvisioner },
  postProcessors: { manifest: manifestPostProcessor },
  dataSources: { null: nullDataSource },
};
