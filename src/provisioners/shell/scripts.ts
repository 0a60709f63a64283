/**
 * The scripts a shell provisioner uploads, read before anything touches the machine so a missing
 * file fails the provisioner without running half of it: the `inline` lines as one script under
 * `#!<inline_shebang>`, or each `script`/`scripts` file read locally.
 *
 * Unless `binary` is set, CRLF line ends become LF, as Packer's UnixReader does: a script saved
 * on Windows would otherwise run `cmd\r` and fail with a baffling "not found". Only CR LF pairs
 * change (a lone CR may be data), and no final newline is added.
 */
import { isNotFound, type LocalFs } from '../local-fs.js';
import { resolveLocal } from '../local-path.js';
import type { ScriptSource } from './settings.js';

export interface Script {
  /** How the user knows it: the path as written, or "inline script". */
  label: string;
  content: Buffer;
}

export type LoadedScripts = { kind: 'ok'; scripts: Script[] } | { kind: 'missing'; path: string; resolved: string };

export async function loadScripts(
  source: ScriptSource,
  opts: { inlineShebang: string; binary: boolean; workDir: string; fs: LocalFs },
): Promise<LoadedScripts> {
  const finish = (content: Buffer) => (opts.binary ? content : toUnixLineEnds(content));
  if (source.kind === 'inline') {
    const text = `#!${opts.inlineShebang}\n${source.lines.map((line) => `${line}\n`).join('')}`;
    return { kind: 'ok', scripts: [{ label: 'inline script', content: finish(Buffer.from(text, 'utf8')) }] };
  }
  const scripts: Script[] = [];
  for (const path of source.paths) {
    const resolved = resolveLocal(opts.workDir, path);
    try {
      scripts.push({ label: path, content: finish(await opts.fs.readFile(resolved)) });
    } catch (e) {
      if (isNotFound(e)) return { kind: 'missing', path, resolved };
      throw e;
    }
  }
  return { kind: 'ok', scripts };
}

export function toUnixLineEnds(content: Buffer): Buffer {
  if (!content.includes('\r\n')) return content;
  const out = Buffer.allocUnsafe(content.length);
  let n = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === 0x0d && content[i + 1] === 0x0a) continue;
    out[n++] = content[i]!;
  }
  return out.subarray(0, n);
}
