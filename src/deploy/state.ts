/**
 * An environment's deploy state: its groups (Frigga-named server groups, e.g. web-staging-v003),
 * which one is live, the images it has run, and the deployment in flight, if any. It is one JSON
 * file replaced atomically (write a temporary file, then rename), so a bake killed at any moment
 * leaves either the old state or the new one, and the in-flight deployment's journal is never out
 * of step with the groups it talks about.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BakeError } from '../errors.js';
import { environmentPaths } from './paths.js';

const target = z.object({ id: z.string(), host: z.string(), port: z.number().int() });

const group = z.object({
  name: z.string(),
  sequence: z.number().int().nonnegative(),
  image: z.string(),
  targets: z.array(target),
  /**
   * launching: being started and health-checked, takes no traffic; live: serving; previous: the
   * group that served before the last cutover, kept in standby for a rollback until expiresAt.
   */
  status: z.enum(['launching', 'live', 'previous']),
  createdAt: z.string(),
  liveAt: z.string().optional(),
  retiredAt: z.string().optional(),
  expiresAt: z.string().optional(),
});

export const PHASES = ['launch', 'register', 'health', 'cutover', 'verify', 'retire'] as const;
export type Phase = (typeof PHASES)[number];

/** What a deployment needs of its environment's settings, kept so a recovery needs no pipeline file. */
const settings = z.object({
  instances: z.number().int(),
  appPort: z.number().int(),
  listenPort: z.number().int(),
  keepPreviousMs: z.number(),
  healthCheck: z.object({
    path: z.string(),
    intervalMs: z.number(),
    timeoutMs: z.number(),
    healthyThreshold: z.number().int(),
    unhealthyThreshold: z.number().int(),
    deadlineMs: z.number(),
  }),
});

/** The journal of the deployment in flight: written before each phase starts. */
const deployment = z.object({
  id: z.string(),
  kind: z.enum(['promote', 'rollback']),
  settings,
  /** A rollback to a kept group: it already runs, so undoing the deployment must not destroy it. */
  reusedGroup: z.boolean().optional(),
  image: z.string(),
  /** The new (green) group. */
  group: z.string(),
  /** The live (blue) group when it started. */
  from: z.string().optional(),
  /** The phase that has started; every phase before it finished. */
  phase: z.enum(PHASES),
  actor: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  /** For the report: when green was healthy and when the load balancer switched. */
  healthyAt: z.string().optional(),
  switchedAt: z.string().optional(),
});

const environmentState = z.object({
  version: z.literal(1),
  env: z.string(),
  pipeline: z.string(),
  nextSequence: z.number().int().nonnegative(),
  live: z.string().optional(),
  groups: z.array(group),
  /** Images that went live here, oldest first: what a rollback with no kept group redeploys. */
  history: z.array(z.object({ group: z.string(), image: z.string(), at: z.string() })),
  deployment: deployment.optional(),
});

export type GroupRecord = z.infer<typeof group>;
export type Deployment = z.infer<typeof deployment>;
export type DeploymentSettings = z.infer<typeof settings>;
export type EnvironmentState = z.infer<typeof environmentState>;

export function emptyState(env: string, pipeline: string): EnvironmentState {
  return { version: 1, env, pipeline, nextSequence: 1, groups: [], history: [] };
}

/** The environment's state, or a fresh one when it has never been deployed. */
export function readState(home: string, env: string, pipeline: string): EnvironmentState {
  const file = environmentPaths(home, env).state;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(env, pipeline);
    throw e;
  }
  const parsed = environmentState.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new BakeError('ERR_BAKE_DEPLOY_STATE', `${file} is not a deploy state bake can read: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      hint: 'It is written only by bake; if it was edited by hand, restore it. `bake down --env ENV --force` starts the environment over.',
      source: 'toolkit',
    });
  }
  return parsed.data;
}

export function writeState(home: string, state: EnvironmentState): void {
  const file = environmentPaths(home, state.env).state;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Frigga: app-stack-vNNN. */
export function groupName(app: string, env: string, sequence: number): string {
  return `${app}-${env}-v${String(sequence).padStart(3, '0')}`;
}

export function liveGroup(state: EnvironmentState): GroupRecord | undefined {
  return state.groups.find((g) => g.name === state.live);
}
