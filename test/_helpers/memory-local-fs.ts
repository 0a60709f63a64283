/**
 * An in-memory LocalFs (src/provisioners/local-fs.ts) for provisioner tests.
 *
 * Behaviour:
 * - Paths are POSIX and absolute; a trailing "/" is ignored. Directories exist when created with
 *   mkdirp or implied by a file below them.
 * - stat() reports files with their mode and directories with 0755; undefined for nothing.
 * - readFile() rejects with an ENOENT error for a missing file, EISDIR for a directory.
 * - Tests seed it with `new MemoryLocalFs({ '/project/a.sh': 'echo hi' })` and inspect `files`.
 */
import path from 'node:path/posix';
import type { LocalEntry, LocalFs } from '../../src/provisioners/local-fs.js';

export interface MemoryFile {
  content: Buffer;
  mode: number;
}

export class MemoryLocalFs implements LocalFs {
  readonly files = new Map<string, MemoryFile>();
  readonly dirs = new Set<string>(['/']);

  constructor(tree: Record<string, string | Buffer | MemoryFile> = {}) {
    for (const [p, v] of Object.entries(tree)) {
      if (typeof v === 'string' || Buffer.isBuffer(v)) this.writeFile(p, v);
      else this.writeFile(p, v.content, v.mode);
    }
  }

  writeFile(p: string, content: string | Buffer, mode = 0o644): void {
    const at = norm(p);
    this.files.set(at, { content: Buffer.from(content), mode });
    this.#addParents(at);
  }

  /** Files at or below `dir`, as paths relative to it. */
  filesUnder(dir: string): Map<string, MemoryFile> {
    const root = norm(dir);
    const out = new Map<string, MemoryFile>();
    for (const [p, f] of this.files) if (p.startsWith(`${root}/`)) out.set(p.slice(root.length + 1), f);
    return out;
  }

  async stat(p: string): Promise<LocalEntry | undefined> {
    const at = norm(p);
    const file = this.files.get(at);
    if (file) return { kind: 'file', mode: file.mode };
    return this.dirs.has(at) ? { kind: 'directory', mode: 0o755 } : undefined;
  }

  async readFile(p: string): Promise<Buffer> {
    const at = norm(p);
    const file = this.files.get(at);
    if (file) return Buffer.from(file.content);
    throw Object.assign(new Error(`${this.dirs.has(at) ? 'EISDIR' : 'ENOENT'}: ${at}`), { code: this.dirs.has(at) ? 'EISDIR' : 'ENOENT' });
  }

  async mkdirp(p: string): Promise<void> {
    const at = norm(p);
    this.dirs.add(at);
    this.#addParents(at);
  }

  #addParents(at: string): void {
    for (let d = path.dirname(at); !this.dirs.has(d); d = path.dirname(d)) this.dirs.add(d);
  }
}

function norm(p: string): string {
  const n = path.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
