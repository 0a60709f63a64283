/**
 * Finds the template a command line names: relative to the working directory first, then under
 * its templates/ folder, so `bake inspect tomcat7-fluentd.hcl` works from the repository root
 * (`bake validate` also looks in pipelines/).
 * A directory is passed on as is: the loader reads all its *.pkr.hcl / *.hcl files.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean } from '../template/suggest.js';
import { BakeError } from '../errors.js';

export const TEMPLATES_DIR = 'templates';

export interface ResolvedTemplate {
  absolute: string;
  /** For messages: relative to the working directory when inside it. */
  display: string;
  kind: 'file' | 'directory';
}

/** `folders`: where a relative name is looked for after the working directory (validate adds pipelines/). */
export async function resolveTemplatePath(arg: string, cwd: string, folders: readonly string[] = [TEMPLATES_DIR]): Promise<ResolvedTemplate> {
  const candidates = path.isAbsolute(arg) ? [arg] : [path.resolve(cwd, arg), ...folders.map((f) => path.resolve(cwd, f, arg))];
  for (const candidate of candidates) {
    const kind = await kindOf(candidate);
    if (kind) return { absolute: candidate, display: displayPath(candidate, cwd), kind };
  }
  const shown = candidates.map((c) => displayPath(c, cwd));
  const looked = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : shown[0]!;
  const suggestion = didYouMean(path.basename(arg), await nearbyTemplates(cwd, folders));
  throw new BakeError('ERR_BAKE_TEMPLATE_NOT_FOUND', `template ${arg} not found: looked for ${looked}`, {
    hint: suggestion ?? 'Pass the path of a template file, or of a directory of *.pkr.hcl files.',
  });
}

/** `templates/x.hcl` for a path under cwd, the absolute path otherwise. */
export function displayPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

async function kindOf(p: string): Promise<'file' | 'directory' | undefined> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/** Template files in cwd and the folders looked in, for did-you-mean (each is found by its bare name). */
async function nearbyTemplates(cwd: string, folders: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const dir of [cwd, ...folders.map((f) => path.join(cwd, f))]) {
    try {
      for (const name of await readdir(dir)) if (name.endsWith('.hcl')) names.push(name);
    } catch {
      // A missing folder has no candidates.
    }
  }
  return names;
}
