/**
 * Which pipeline file a deploy command uses: the one named with --pipeline (looked for in the
 * working directory, then in pipelines/, as templates are in templates/), or else the only
 * `pipelines/*.hcl`. None or several is an error that says what to do.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BakeError } from '../errors.js';
import { didYouMean } from '../template/suggest.js';

export const PIPELINES_DIR = 'pipelines';

/** The absolute path of the pipeline file to use. */
export async function findPipelineFile(cwd: string, explicit?: string): Promise<string> {
  const dir = path.join(cwd, PIPELINES_DIR);
  const found = await pipelineFiles(dir);
  if (explicit !== undefined) {
    const candidates = path.isAbsolute(explicit) ? [explicit] : [path.resolve(cwd, explicit), path.resolve(dir, explicit)];
    for (const c of candidates) if (await isFile(c)) return c;
    const looked = candidates.map((c) => show(c, cwd)).join(' and ');
    throw new BakeError('ERR_BAKE_PIPELINE_NOT_FOUND', `pipeline file ${explicit} not found: looked for ${looked}`, {
      hint:
        didYouMean(path.basename(explicit), found) ??
        (found.length > 0 ? `The pipeline files are: ${found.map((f) => `${PIPELINES_DIR}/${f}`).join(', ')}.` : 'Pass the path of a pipeline file (*.hcl with a pipeline block).'),
    });
  }
  if (found.length === 1) return path.join(dir, found[0]!);
  if (found.length === 0) {
    throw new BakeError('ERR_BAKE_NO_PIPELINE', `no pipeline file: there is no ${PIPELINES_DIR}/*.hcl in ${cwd}`, {
      hint: `Write ${PIPELINES_DIR}/NAME.hcl with a pipeline block, or pass --pipeline FILE.`,
    });
  }
  throw new BakeError('ERR_BAKE_SEVERAL_PIPELINES', `several pipeline files: ${found.map((f) => `${PIPELINES_DIR}/${f}`).join(', ')}`, {
    hint: `Choose one with --pipeline FILE, e.g. --pipeline ${PIPELINES_DIR}/${found[0]}.`,
  });
}

/** Names of the *.hcl files in dir, sorted; none when it does not exist. */
async function pipelineFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const n of names.sort()) if (n.endsWith('.hcl') && (await isFile(path.join(dir, n)))) files.push(n);
  return files;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Relative to cwd when inside it, for messages. */
function show(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
