/**
 * Finds the template a command line names: relative to the working directory first, then under
 * its templates/ folder, so `bake inspect tomcat7-fluentd.hcl` works from the repository root.
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

export async function resolveTemplatePath(arg: string, cwd: string): Promise<ResolvedTemplate> {
  const candidates = path.isAbsolute(arg) ? [arg] : [path.resolve(cwd, arg), path.resolve(cwd, TEMPLATES_DIR, arg)];
  for (const candidate of candidates) {
    const kind = await kindOf(candidate);
    if (kind) return { absolute: candidate, display: displayPath(candidate, cwd), kind };
  }
  const looked = candidates.map((c) => displayPath(c, cwd)).join(' and ');
  const suggestion = didYouMean(path.basename(arg), await nearbyTemplates(cwd));
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

/** Template files in cwd and templates/, for did-you-mean (either is found by its bare name). */
async function nearbyTemplates(cwd: string): Promise<string[]> {
  const names: string[] = [];
  for (const dir of [cwd, path.join(cwd, TEMPLATES_DIR)]) {
    try {
      for (const name of await readdir(dir)) if (name.endsWith('.hcl')) names.push(name);
    } catch {
      // A missing folder has no candidates.
    }
  }
  return names;
}
