/**
 * Resolves a local path from a template against the working directory, as Packer resolves
 * provisioner paths against its cwd. A trailing "/" survives: it carries meaning for the file
 * provisioner (`dir/` copies the contents, `dir` the directory itself), and path.resolve drops it.
 */
import path from 'node:path';

export function resolveLocal(workDir: string, p: string): string {
  const resolved = path.resolve(workDir, p);
  return p.endsWith('/') && !resolved.endsWith('/') ? `${resolved}/` : resolved;
}
