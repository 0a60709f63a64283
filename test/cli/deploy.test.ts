/**
 * The deploy commands' own part, in-process: how an interrupted promote or rollback exits. The
 * deploy engine's clean-up on an abort is tested on the fake drivers (test/deploy/promote.test.ts).
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promote, rollback } from '../../src/cli/commands/deploy.js';
import { testdir } from '../_helpers/cli.js';
import { memoryHost } from '../_helpers/memory-host.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'deploy', 'fixtures');

function project(): string {
  const dir = testdir();
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

describe('an interrupted promote or rollback', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])('exits %s as 128 + the signal, saying the environment was put back', async (sig, code) => {
    const cwd = project();
    const ac = new AbortController();
    ac.abort(sig);
    const io = memoryHost({ cwd, env: { BAKE_HOME: path.join(cwd, '.bake') }, signal: ac.signal });
    expect(await promote({ to: 'staging', dryRun: false, json: false }, io.host)).toBe(code);
    expect(io.stderr()).toContain(`bake promote (staging) interrupted by ${sig}: staging was put back as it was`);
  });

  it('exits 130 from a rollback too', async () => {
    const cwd = project();
    const ac = new AbortController();
    ac.abort('SIGINT');
    const io = memoryHost({ cwd, env: { BAKE_HOME: path.join(cwd, '.bake') }, signal: ac.signal });
    expect(await rollback({ env: 'staging', dryRun: false, json: false }, io.host)).toBe(130);
  });

  it('still reports an error as itself when no signal came', async () => {
    const cwd = project();
    const io = memoryHost({ cwd, env: { BAKE_HOME: path.join(cwd, '.bake') } });
    await expect(promote({ to: 'staging', dryRun: false, json: false }, io.host)).rejects.toThrow('No image has been built from tiny-app.pkr.hcl yet');
  });
});
