/**
 * `source "qemu" "NAME"`: the local builder. Field names follow Packer's qemu builder where the
 * concept is the same (accelerator, cpus, memory, disk_size, ssh_*, shutdown_*, qemuargs); bake adds
 * what layering needs: a `bootstrap` block for an OS base made from nothing, or a `parent` image.
 */
import { z } from 'zod';
import type { ComponentSpec } from '../../template/schema/spec.js';
import { bool, duration, int, list, oneOf, str, stringList, strMatching } from '../../template/schema/types.js';

const SIZE = /^\d+(\.\d+)?[KMGT]?$/i;

export const qemuSource: ComponentSpec = {
  body: {
    attributes: {
      parent: str().optional(),
      image_name: strMatching(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-" only').optional(),
      accelerator: oneOf(['auto', 'kvm', 'tcg', 'none']).optional(),
      cpus: int().pipe(z.number().min(1)).optional(),
      memory: int().pipe(z.number().min(128)).optional(),
      disk_size: z
        .preprocess((v) => (typeof v === 'number' ? `${v}M` : v), z.string().regex(SIZE, 'a size like "4G" or "2048M" is required'))
        .optional(),
      format: oneOf(['qcow2']).optional(),
      headless: bool().optional(),
      ssh_username: str().optional(),
      ssh_timeout: duration().optional(),
      boot_wait: duration().optional(),
      shutdown_command: str().optional(),
      shutdown_timeout: duration().optional(),
      kernel_args: stringList().optional(),
      qemuargs: list(list(str())).optional(),
      max_age: duration().optional(),
    },
    blocks: {
      bootstrap: {
        body: {
          attributes: {
            suite: str(),
            mirror: str().optional(),
            variant: oneOf(['minbase', 'essential', 'apt', 'required', 'important', 'standard']).optional(),
            packages: stringList().optional(),
            components: stringList().optional(),
          },
        },
      },
    },
    rules: [
      {
        name: 'parent-or-bootstrap',
        check: (c) =>
          c.parent !== undefined && c.bootstrap !== undefined
            ? { message: 'A qemu source sets either "parent" (a layer) or a bootstrap block (an OS base), not both', attribute: 'parent' }
            : c.parent === undefined && c.bootstrap === undefined
              ? { message: 'A qemu source needs a "parent" image to layer on, or a bootstrap block to make an OS base from nothing' }
              : undefined,
      },
    ],
  },
};
