/**
 * The few local filesystem calls provisioners make themselves, injected so tests can run them
 * against an in-memory tree. (Transfers of local files are the communicator's: it reads and
 * writes the paths it is given.)
 */
import { mkdir, readFile, stat } from 'node:fs/promises';

export interface LocalEntry {
  kind: 'file' | 'directory' | 'other';
  /** Permission bits (mode & 0o777). */
  mode: number;
}

export interface LocalFs {
  /** What is at `path`, following symlinks; undefined when nothing is. */
  stat(path: string): Promise<LocalEntry | undefined>;
  /** Rejects with an ENOENT-coded error when the file does not exist. */
  readFile(path: string): Promise<Buffer>;
  /** `mkdir -p`. */
  mkdirp(path: string): Promise<void>;
}

export const nodeLocalFs: LocalFs = {
  stat: async (path) => {
    try {
      const s = await stat(path);
      return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', mode: s.mode & 0o777 };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  },
  readFile: (path) => readFile(path),
  mkdirp: async (path) => {
    await mkdir(path, { recursive: true });
  },
};

/** ENOENT, or ENOTDIR (a path component is a file): either way, nothing is there. */
export function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
