/** `post-processor "manifest"`: Packer's manifest post-processor fields. */
import type { ComponentSpec } from '../../template/schema/spec.js';
import { bool, map, str } from '../../template/schema/types.js';

export const manifestPostProcessor: ComponentSpec = {
  body: {
    attributes: {
      output: str().optional(),
      strip_path: bool().optional(),
      strip_time: bool().optional(),
      custom_data: map(str()).optional(),
    },
  },
};
