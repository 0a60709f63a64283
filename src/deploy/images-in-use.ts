import { readdirSync } from 'node:fs';
import { deployRoot } from './paths.js';
import { readState } from './state.js';

/** image id -> the groups (env/group) running it: an image a deployment uses must not be removed. */
export function imagesInUse(home: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let envs: string[];
  try {
    envs = readdirSync(deployRoot(home), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return out;
  }
  for (const env of envs) {
    const state = readState(home, env, '');
    const groups = [...state.groups.map((g) => ({ name: g.name, image: g.image })), ...(state.deployment ? [{ name: state.deployment.group, image: state.deployment.image }] : [])];
    for (const g of groups) out.set(g.image, [...(out.get(g.image) ?? []), `${env}/${g.name}`]);
  }
  return out;
}
