/** `provisioner "file"`: upload or download files and directories, Packer's field names. */
import type { ComponentSpec } from '../../template/schema/spec.js';
import { bool, oneOf, str, stringList } from '../../template/schema/types.js';

export const fileProvisioner: ComponentSpec = {
  body: {
    attributes: {
      source: str().optional(),
      sources: stringList().optional(),
      content: str().optional(),
      destination: str(),
      direction: oneOf(['upload', 'download']).optional(),
      generated: bool().optional(),
    },
    rules: [
      {
        name: 'one-of-source-sources-content',
        check: (c) => {
          const set = ['source', 'sources', 'content'].filter((k) => c[k] !== undefined);
          if (set.length === 0) return { message: 'A file provisioner needs one of "source", "sources" or "content"' };
          if (set.length > 1) return { message: `Only one of "source", "sources" or "content" may be set, got ${set.map((s) => `"${s}"`).join(' and ')}`, attribute: set[1]! };
          if (c.direction === 'download' && c.content !== undefined) return { message: 'A download needs "source" (a path on the machine), not "content"', attribute: 'content' };
          return undefined;
        },
      },
    ],
  },
};
