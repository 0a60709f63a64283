/** `provisioner "shell"`: Packer's remote shell provisioner fields. */
import type { ComponentSpec } from '../../template/schema/spec.js';
import { bool, duration, int, list, map, str, stringList, strMatching } from '../../template/schema/types.js';

export const shellProvisioner: ComponentSpec = {
  body: {
    attributes: {
      inline: stringList().optional(),
      script: str().optional(),
      scripts: stringList().optional(),
      environment_vars: list(strMatching(/^[A-Za-z_][A-Za-z0-9_]*=/, 'each entry must look like NAME=value')).optional(),
      env: map(str()).optional(),
      execute_command: str().optional(),
      inline_shebang: str().optional(),
      expect_disconnect: bool().optional(),
      valid_exit_codes: list(int()).optional(),
      remote_folder: str().optional(),
      remote_file: str().optional(),
      skip_clean: bool().optional(),
      start_retry_timeout: duration().optional(),
      binary: bool().optional(),
    },
    rules: [
      {
        name: 'one-of-inline-script-scripts',
        check: (c) => {
          const set = ['inline', 'script', 'scripts'].filter((k) => c[k] !== undefined);
          if (set.length === 1) return undefined;
          return set.length === 0
            ? { message: 'A shell provisioner needs one of "inline", "script" or "scripts"' }
            : { message: `Only one of "inline", "script" or "scripts" may be set, got ${set.map((s) => `"${s}"`).join(' and ')}`, attribute: set[1]! };
        },
      },
    ],
  },
};

