import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakeError } from '../../src/errors.js';
import { findPipelineFile } from '../../src/pipeline/find.js';
import { testdir } from '../_helpers/cli.js';

const PIPELINE = 'pipeline "web" {\n}\n';

/** The BakeError findPipelineFile rejects with; fails the test when it resolves. */
async function failure(cwd: string, explicit?: string): Promise<BakeError> {
  const err = await findPipelineFile(cwd, explicit).then(
    (file) => expect.unreachable(`found ${file}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BakeError);
  return err as BakeError;
}

describe('findPipelineFile without --pipeline', () => {
  it('picks the only pipelines/*.hcl, ignoring other files and folders there', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE, 'pipelines/README.md': '', 'pipelines/old/api.hcl': PIPELINE, 'web2.hcl': PIPELINE });
    mkdirSync(path.join(cwd, 'pipelines', 'dir.hcl'));
    expect(await findPipelineFile(cwd)).toBe(path.join(cwd, 'pipelines', 'web.hcl'));
  });

  it('says there is no pipeline file when pipelines/ is missing, as a user error with a hint', async () => {
    const cwd = testdir({ 'templates/app.hcl': '' });
    const err = await failure(cwd);
    expect(err).toMatchObject({
      code: 'ERR_BAKE_NO_PIPELINE',
      source: 'user',
      message: `no pipeline file: there is no pipelines/*.hcl in ${cwd}`,
      hint: 'Write pipelines/NAME.hcl with a pipeline block, or pass --pipeline FILE.',
    });
  });

  it('says there is no pipeline file when pipelines/ holds no *.hcl', async () => {
    const cwd = testdir({ 'pipelines/web.hcl.bak': PIPELINE, 'pipelines/notes.txt': '' });
    expect((await failure(cwd)).code).toBe('ERR_BAKE_NO_PIPELINE');
  });

  it('names every pipeline file, sorted, when there are several, and suggests --pipeline', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE, 'pipelines/api.hcl': PIPELINE, 'pipelines/batch.hcl': PIPELINE });
    const err = await failure(cwd);
    expect(err).toMatchObject({
      code: 'ERR_BAKE_SEVERAL_PIPELINES',
      message: 'several pipeline files: pipelines/api.hcl, pipelines/batch.hcl, pipelines/web.hcl',
      hint: 'Choose one with --pipeline FILE, e.g. --pipeline pipelines/api.hcl.',
    });
  });
});

describe('findPipelineFile with --pipeline', () => {
  it('finds the file relative to the working directory', async () => {
    const cwd = testdir({ 'deploy/web.hcl': PIPELINE, 'pipelines/api.hcl': PIPELINE });
    expect(await findPipelineFile(cwd, 'deploy/web.hcl')).toBe(path.join(cwd, 'deploy', 'web.hcl'));
  });

  it('finds a bare name in pipelines/, even when there are several pipeline files', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE, 'pipelines/api.hcl': PIPELINE });
    expect(await findPipelineFile(cwd, 'web.hcl')).toBe(path.join(cwd, 'pipelines', 'web.hcl'));
    expect(await findPipelineFile(cwd, 'pipelines/api.hcl')).toBe(path.join(cwd, 'pipelines', 'api.hcl'));
  });

  it('prefers the file in the working directory to the one of the same name in pipelines/', async () => {
    const cwd = testdir({ 'web.hcl': PIPELINE, 'pipelines/web.hcl': PIPELINE });
    expect(await findPipelineFile(cwd, 'web.hcl')).toBe(path.join(cwd, 'web.hcl'));
  });

  it('takes an absolute path as it is', async () => {
    const elsewhere = testdir({ 'prod.hcl': PIPELINE });
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE });
    expect(await findPipelineFile(cwd, path.join(elsewhere, 'prod.hcl'))).toBe(path.join(elsewhere, 'prod.hcl'));
  });

  it('names both places it looked for a missing file and suggests a close pipeline name', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE, 'pipelines/api.hcl': PIPELINE });
    const err = await failure(cwd, 'wbe.hcl');
    expect(err).toMatchObject({
      code: 'ERR_BAKE_PIPELINE_NOT_FOUND',
      source: 'user',
      message: 'pipeline file wbe.hcl not found: looked for wbe.hcl and pipelines/wbe.hcl',
      hint: 'Did you mean "web.hcl"?',
    });
  });

  it('lists the pipeline files when no name is close, and says what to pass when there are none', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE, 'pipelines/api.hcl': PIPELINE });
    expect((await failure(cwd, 'production.hcl')).hint).toBe('The pipeline files are: pipelines/api.hcl, pipelines/web.hcl.');
    const empty = testdir();
    expect((await failure(empty, 'web.hcl')).hint).toBe('Pass the path of a pipeline file (*.hcl with a pipeline block).');
  });

  it('does not take a directory for the pipeline file', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE });
    mkdirSync(path.join(cwd, 'deploy'));
    expect((await failure(cwd, 'deploy')).code).toBe('ERR_BAKE_PIPELINE_NOT_FOUND');
  });

  it('shows an absolute path it looked for as it was given', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': PIPELINE });
    const missing = path.join(testdir(), 'gone.hcl');
    expect((await failure(cwd, missing)).message).toBe(`pipeline file ${missing} not found: looked for ${missing}`);
  });
});
