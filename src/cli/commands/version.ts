/** `bake version`: bake's version and the Node.js it runs on. */
import pkg from '../../../package.json' with { type: 'json' };
import { ExitCode } from '../exit-codes.js';
import type { IoHost } from '../io.js';

export async function version(host: IoHost): Promise<ExitCode> {
  host.out.line(`bake ${pkg.version} (node ${process.version})`);
  return ExitCode.ok;
}
