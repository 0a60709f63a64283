import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTemplatePath } from '../../src/cli/resolve-template.js';
import { BakeError } from '../../src/errors.js';
import { isPipelineFile, loadPipeline, projectDir, type LoadPipelineDeps, type LoadPipelineResult } from '../../src/pipeline/load.js';
import { nodePipelineDeps } from '../../src/pipeline/node-deps.js';
import type { Diagnostic, DiagnosticCode } from '../../src/template/diagnostics.js';
import { repoRoot, runCli, testdir } from '../_helpers/cli.js';

/** The loader's dependencies as the CLI wires them: a template is found as `bake build` finds one. */
function deps(cwd: string, resolveTemplate?: LoadPipelineDeps['resolveTemplate']): LoadPipelineDeps {
  return nodePipelineDeps({ cwd, env: {}, resolveTemplate: resolveTemplate ?? (async (name, dir) => (await resolveTemplatePath(name, dir)).absolute) });
}

/** A project with templates/app.hcl and templates/webapp.hcl, and `text` as pipelines/p.hcl. */
function project(text: string, files: Record<string, string> = {}): string {
  return testdir({ 'templates/app.hcl': '', 'templates/webapp.hcl': '', 'pipelines/p.hcl': text, ...files });
}

function load(cwd: string, file = 'pipelines/p.hcl'): Promise<LoadPipelineResult> {
  return loadPipeline({ file, cwd }, deps(cwd));
}

/** `pipelines/p.hcl:5:17-5:22 type-mismatch: summary`, the file relative to cwd. */
function where(cwd: string) {
  return (d: Diagnostic): string => {
    const r = d.range;
    const at = r ? `${path.relative(cwd, r.filename)}:${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : '(no location)';
    return `${at} ${d.code}: ${d.summary}`;
  };
}

/** The load's single diagnostic, which must have `code`. */
function single(r: LoadPipelineResult, code: DiagnosticCode): Diagnostic {
  expect(r.diagnostics.map((d) => `${d.code}: ${d.summary}`)).toHaveLength(1);
  expect(r.diagnostics[0]!.code).toBe(code);
  expect(r.pipeline).toBeUndefined();
  return r.diagnostics[0]!;
}

/** A pipeline "web" of templates/app.hcl with one environment "staging" on app_port 8080 plus `body`. */
function staging(body = ''): string {
  return `pipeline "web" {\n  template = "app.hcl"\n  environment "staging" {\n    app_port = 8080\n${body}  }\n}\n`;
}

describe("the repository's pipelines/web.hcl", () => {
  it('loads with no diagnostics', async () => {
    const r = await load(repoRoot, 'pipelines/web.hcl');
    expect(r.diagnostics).toEqual([]);
    expect(r.pipeline).toBeDefined();
    expect([...r.sources.keys()]).toEqual([path.join(repoRoot, 'pipelines', 'web.hcl')]);
  });

  it('names the web pipeline, its file and the absolute path of templates/webapp.hcl', async () => {
    const p = (await load(repoRoot, 'pipelines/web.hcl')).pipeline!;
    expect(p.name).toBe('web');
    expect(p.file).toBe(path.join(repoRoot, 'pipelines', 'web.hcl'));
    expect(path.isAbsolute(p.template)).toBe(true);
    expect(p.template.endsWith(`${path.sep}templates${path.sep}webapp.hcl`)).toBe(true);
    expect(p.template).toBe(path.join(repoRoot, 'templates', 'webapp.hcl'));
  });

  it('promotes through staging then prod, with durations in milliseconds', async () => {
    const p = (await load(repoRoot, 'pipelines/web.hcl')).pipeline!;
    expect(p.environments.map((e) => e.name)).toEqual(['staging', 'prod']);
    const [staging, prod] = p.environments;
    expect(staging).toMatchObject({
      instances: 1,
      appPort: 8080,
      listenPort: 0,
      keepPreviousMs: 10 * 60_000,
      healthCheck: { path: '/health', intervalMs: 2000, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2, deadlineMs: 5 * 60_000 },
    });
    expect(staging!.approval).toBeUndefined();
    expect(prod).toMatchObject({
      instances: 2,
      appPort: 8080,
      listenPort: 0,
      keepPreviousMs: 3_600_000,
      healthCheck: { path: '/health', intervalMs: 2000, timeoutMs: 1000, healthyThreshold: 3, unhealthyThreshold: 2, deadlineMs: 10 * 60_000 },
    });
  });

  it("gives prod an approval by alice or bob, one of them required", async () => {
    const prod = (await load(repoRoot, 'pipelines/web.hcl')).pipeline!.environments[1]!;
    expect(prod.approval).toMatchObject({ approvers: ['alice', 'bob'], required: 1 });
  });

  it('points the ranges of the pipeline, each environment and the approval at their blocks', async () => {
    const p = (await load(repoRoot, 'pipelines/web.hcl')).pipeline!;
    expect([p.range.start.line, ...p.environments.map((e) => e.range.start.line), p.environments[1]!.approval!.range.start.line]).toEqual([5, 8, 26, 42]);
    expect(p.range.filename).toBe(path.join(repoRoot, 'pipelines', 'web.hcl'));
  });
});

describe('a valid pipeline', () => {
  it('fills in the defaults of schema.ts for every setting left out', async () => {
    const cwd = project(staging());
    const env = (await load(cwd)).pipeline!.environments[0]!;
    expect(env).toEqual({
      name: 'staging',
      instances: 1,
      appPort: 8080,
      listenPort: 0,
      keepPreviousMs: 3_600_000,
      healthCheck: { path: '/', intervalMs: 5000, timeoutMs: 2000, healthyThreshold: 3, unhealthyThreshold: 2, deadlineMs: 300_000 },
      range: expect.objectContaining({ start: expect.objectContaining({ line: 3, column: 3 }) }),
    });
  });

  it('defaults an approval to one required approver, and keeps partial health_check settings', async () => {
    const cwd = project(staging(`    health_check {\n      path = "/up"\n      interval = "10s"\n    }\n    approval {\n      approvers = ["carol", "dave"]\n    }\n`));
    const env = (await load(cwd)).pipeline!.environments[0]!;
    expect(env.approval).toMatchObject({ approvers: ['carol', 'dave'], required: 1 });
    expect(env.healthCheck).toEqual({ path: '/up', intervalMs: 10_000, timeoutMs: 2000, healthyThreshold: 3, unhealthyThreshold: 2, deadlineMs: 300_000 });
  });

  it('converts compound and sub-second durations, and keeps keep_previous = "0s" as 0', async () => {
    const cwd = project(staging(`    keep_previous = "0s"\n    health_check {\n      interval = "1500ms"\n      timeout  = "500ms"\n      deadline = "1h30m"\n    }\n`));
    const env = (await load(cwd)).pipeline!.environments[0]!;
    expect([env.keepPreviousMs, env.healthCheck.intervalMs, env.healthCheck.timeoutMs, env.healthCheck.deadlineMs]).toEqual([0, 1500, 500, 5_400_000]);
  });

  it('evaluates functions in values', async () => {
    const cwd = project(`pipeline "web" {\n  template = "\${lower("APP")}.hcl"\n  environment "a" {\n    app_port = 8000 + 80\n  }\n}\n`);
    const p = (await load(cwd)).pipeline!;
    expect([p.template, p.environments[0]!.appPort]).toEqual([path.join(cwd, 'templates', 'app.hcl'), 8080]);
  });

  it("loads the deploy tests' tiny.hcl, finding its template beside its pipelines/ folder", async () => {
    const fixtures = path.join(repoRoot, 'test', 'deploy', 'fixtures');
    const r = await loadPipeline({ file: path.join(fixtures, 'pipelines', 'tiny.hcl'), cwd: repoRoot }, deps(repoRoot));
    expect(r.diagnostics).toEqual([]);
    const p = r.pipeline!;
    expect([p.name, p.template]).toEqual(['tiny', path.join(fixtures, 'tiny-app.pkr.hcl')]);
    // Only what the deploy tests rely on; the fixture's timings are theirs to tune.
    expect(p.environments.map((e) => [e.name, e.healthCheck.path, e.healthCheck.intervalMs, e.approval?.approvers])).toEqual([
      ['staging', '/health', 1000, undefined],
      ['prod', '/', 5000, ['release-manager']],
    ]);
  });
});

describe('where the template is looked for', () => {
  it('passes the folder holding pipelines/ to the resolver, and uses what it returns', async () => {
    const cwd = project(staging());
    const calls: [string, string][] = [];
    const r = await loadPipeline(
      { file: 'pipelines/p.hcl', cwd },
      deps(cwd, async (name, dir) => {
        calls.push([name, dir]);
        return '/images/app.hcl';
      }),
    );
    expect(calls).toEqual([['app.hcl', cwd]]);
    expect(r.pipeline!.template).toBe('/images/app.hcl');
  });

  it("uses the pipeline file's own folder when it is not in pipelines/", async () => {
    const cwd = testdir({ 'deploy/p.hcl': staging(), 'deploy/app.hcl': '', 'templates/app.hcl': '' });
    const r = await load(cwd, 'deploy/p.hcl');
    expect(r.pipeline!.template).toBe(path.join(cwd, 'deploy', 'app.hcl'));
    expect(projectDir(path.join(cwd, 'deploy', 'p.hcl'))).toBe(path.join(cwd, 'deploy'));
    expect(projectDir(path.join(cwd, 'pipelines', 'p.hcl'))).toBe(cwd);
  });

  it('reports a template that is not found at its value, with where it looked and a did-you-mean', async () => {
    const cwd = project(staging().replace('"app.hcl"', '"webap.hcl"'));
    const d = single(await load(cwd), 'file-not-found');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:2:14-2:25 file-not-found: Template "webap.hcl" not found');
    expect(d.detail).toBe(
      'It is looked for as bake build looks for a template, from the folder that holds pipelines/: template webap.hcl not found: looked for webap.hcl and templates/webap.hcl.',
    );
    expect(d.hint).toBe('Did you mean "webapp.hcl"?');
  });

  it("says it looked from the pipeline file's folder when the file is not in pipelines/", async () => {
    const cwd = testdir({ 'deploy/p.hcl': staging() });
    const d = single(await load(cwd, 'deploy/p.hcl'), 'file-not-found');
    expect(d.detail).toMatch(/^It is looked for as bake build looks for a template, from the pipeline file's folder: /);
  });

  it('turns any error of the resolver into a diagnostic, without a hint unless it is a BakeError', async () => {
    const cwd = project(staging());
    const plain = await loadPipeline({ file: 'pipelines/p.hcl', cwd }, deps(cwd, () => Promise.reject(new Error('EACCES: permission denied'))));
    const d = single(plain, 'file-not-found');
    expect(d.detail).toBe('It is looked for as bake build looks for a template, from the folder that holds pipelines/: EACCES: permission denied.');
    expect(d.hint).toBeUndefined();
    const bake = await loadPipeline({ file: 'pipelines/p.hcl', cwd }, deps(cwd, () => Promise.reject(new BakeError('ERR_X', 'gone', { hint: 'Build it.' }))));
    expect(single(bake, 'file-not-found').hint).toBe('Build it.');
  });
});

describe('errors in a pipeline file', () => {
  it('are at file:line:col ranges with a did-you-mean for an unknown argument', async () => {
    const cwd = project(staging('    instance = 2\n'));
    const d = single(await load(cwd), 'unknown-attribute');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:5:5-5:13 unknown-attribute: Unsupported argument "instance" in environment "staging"');
    expect(d.hint).toBe('Did you mean "instances"?');
    expect(d.range!.filename).toBe(path.join(cwd, 'pipelines', 'p.hcl'));
  });

  it('reports a value of the wrong type at the value', async () => {
    const cwd = project(staging('    instances = "two"\n'));
    const d = single(await load(cwd), 'type-mismatch');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:5:17-5:22 type-mismatch: Invalid value for "instances"');
    expect(d.detail).toBe('a number is required, got string');
  });

  it('reports a duration that is not Go syntax, once', async () => {
    const cwd = project(staging('    keep_previous = "5 minutes"\n'));
    const d = single(await load(cwd), 'type-mismatch');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:5:21-5:32 type-mismatch: Invalid value for "keep_previous"');
    expect(d.detail).toBe('a duration like "30s", "5m" or "1h30m" is required');
  });

  it('reports a malformed health-check duration once, not also as "not longer than 0"', async () => {
    const cwd = project(staging('    health_check {\n      interval = "soon"\n    }\n'));
    expect(single(await load(cwd), 'type-mismatch').detail).toBe('a duration like "30s", "5m" or "1h30m" is required');
    const zero = project(staging('    health_check {\n      interval = "0s"\n    }\n'));
    expect(single(await load(zero), 'type-mismatch').detail).toBe('a duration longer than 0 is required');
  });

  it('reports a health-check timeout longer than its interval at the timeout', async () => {
    const cwd = project(staging('    health_check {\n      interval = "2s"\n      timeout  = "3s"\n    }\n'));
    expect(where(cwd)(single(await load(cwd), 'invalid-value'))).toBe(
      'pipelines/p.hcl:7:7-7:22 invalid-value: timeout "3s" is longer than interval "2s": a check must end before the next one starts',
    );
  });

  it('reports an interval shorter than the default timeout at the interval, saying the timeout is the default', async () => {
    const cwd = project(staging('    health_check {\n      interval = "1s"\n    }\n'));
    expect(where(cwd)(single(await load(cwd), 'invalid-value'))).toBe(
      'pipelines/p.hcl:6:7-6:22 invalid-value: timeout "2s" (the default) is longer than interval "1s": a check must end before the next one starts',
    );
  });

  it('reports a deadline too short for healthy_threshold checks', async () => {
    const cwd = project(staging('    health_check {\n      deadline = "10s"\n    }\n'));
    expect(single(await load(cwd), 'invalid-value').summary).toBe(
      'deadline "10s" is shorter than healthy_threshold × interval (3 × 5s = 15s): no instance could become healthy in time',
    );
  });

  it('reports a second environment of the same name at its label, naming the line of the first', async () => {
    const cwd = project(`pipeline "web" {\n  template = "app.hcl"\n  environment "staging" {\n    app_port = 8080\n  }\n  environment "staging" {\n    app_port = 8081\n  }\n}\n`);
    const d = single(await load(cwd), 'duplicate-block');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:6:15-6:24 duplicate-block: Duplicate environment "staging"');
    expect(d.detail).toBe('The first is at line 3; each environment is promoted to once, in order.');
  });

  it('reports a pipeline with no environment at its header', async () => {
    const cwd = project(`pipeline "web" {\n  template = "app.hcl"\n}\n`);
    const d = single(await load(cwd), 'missing-attribute');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:1:1-1:15 missing-attribute: A pipeline needs at least one environment block');
    expect(d.hint).toMatch(/^Add environment "staging" \{ app_port = 8080 \}/);
  });

  it.each([
    ['misspelt', '  enviroment "staging" {\n  }\n', 'unknown-block: Unsupported block type "enviroment" in pipeline "web"'],
    ['with two labels', '  environment "staging" "eu" {\n    app_port = 8080\n  }\n', 'block-labels: A environment block takes 1 label (name), got 2'],
    ['as an argument', '  environment = {}\n', 'unknown-attribute: Unsupported argument "environment" in pipeline "web"'],
  ])('reports an environment block written %s once, without "needs at least one environment"', async (_, body, expected) => {
    const cwd = project(`pipeline "web" {\n  template = "app.hcl"\n${body}}\n`);
    const r = await load(cwd);
    expect(r.diagnostics.map((d) => `${d.code}: ${d.summary}`)).toEqual([expected]);
  });

  it('reports a missing template argument at the pipeline header', async () => {
    const cwd = project(`pipeline "web" {\n  environment "staging" {\n    app_port = 8080\n  }\n}\n`);
    const d = single(await load(cwd), 'missing-attribute');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:1:1-1:15 missing-attribute: Missing required argument "template" in pipeline "web"');
    expect(d.hint).toBe('Add template = ... to this block.');
  });

  it('reports a missing app_port, a port out of range and instances below 1', async () => {
    const cwd = project(`pipeline "web" {\n  template = "app.hcl"\n  environment "a" {\n  }\n  environment "b" {\n    app_port  = 70000\n    instances = 0\n  }\n}\n`);
    const r = await load(cwd);
    expect(r.diagnostics.map((d) => `${where(cwd)(d)} / ${d.detail ?? d.hint}`)).toEqual([
      'pipelines/p.hcl:3:3-3:18 missing-attribute: Missing required argument "app_port" in environment "a" / Add app_port = ... to this block.',
      'pipelines/p.hcl:6:17-6:22 type-mismatch: Invalid value for "app_port" / must be at most 65535',
      'pipelines/p.hcl:7:17-7:18 type-mismatch: Invalid value for "instances" / must be at least 1',
    ]);
  });

  it('reports a file with no pipeline block at line 1', async () => {
    const cwd = project('# nothing yet\n');
    const d = single(await load(cwd), 'missing-attribute');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:1:1-1:1 missing-attribute: A pipeline file needs a pipeline block');
    expect(d.hint).toBe('Write pipeline "NAME" { template = "APP.hcl" ... } with an environment block for each stage.');
  });

  it('suggests pipeline for a misspelt pipline block, without also saying the block is missing', async () => {
    const cwd = project(`pipline "web" {\n  template = "app.hcl"\n}\n`);
    const d = single(await load(cwd), 'unknown-block');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:1:1-1:8 unknown-block: Unsupported block type "pipline" in a pipeline file');
    expect(d.hint).toBe('Did you mean "pipeline"?');
  });

  it('reports an unknown top-level block and the missing pipeline block when nothing is close', async () => {
    const cwd = project(`environment "staging" {\n}\n`);
    expect((await load(cwd)).diagnostics.map(where(cwd))).toEqual([
      'pipelines/p.hcl:1:1-1:12 unknown-block: Unsupported block type "environment" in a pipeline file',
      'pipelines/p.hcl:1:1-1:1 missing-attribute: A pipeline file needs a pipeline block',
    ]);
  });

  it('reports a second pipeline block and a pipeline block without its name', async () => {
    const two = project(`${staging()}pipeline "api" {\n  template = "app.hcl"\n}\n`);
    const d = single(await load(two), 'duplicate-block');
    expect(where(two)(d)).toBe('pipelines/p.hcl:7:1-7:9 duplicate-block: Duplicate pipeline block in a pipeline file');
    expect(d.detail).toBe('Only one pipeline block is allowed here; the first is at line 1.');
    const unnamed = project(`pipeline {\n  template = "app.hcl"\n}\n`);
    expect(single(await load(unnamed), 'block-labels').summary).toBe('A pipeline block takes 1 label (name), got 0');
  });

  it('reports an invalid UTF-8 byte at its line and column, keeping the text for the message', async () => {
    const cwd = project('');
    const file = path.join(cwd, 'pipelines', 'p.hcl');
    writeFileSync(file, Buffer.concat([Buffer.from('pipeline "web" {\n  template = "app'), Buffer.from([0xe9]), Buffer.from('.hcl"\n}\n')]));
    const r = await load(cwd);
    const d = single(r, 'invalid-character');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:2:18-2:19 invalid-character: The file is not valid UTF-8');
    expect(d.detail).toBe('Byte 0xE9 cannot appear here in UTF-8. Pipeline files are read as UTF-8.');
    expect(r.sources.get(file)).toBe('pipeline "web" {\n  template = "app\uFFFD.hcl"\n}\n');
  });

  it('reports a file that cannot be read, with no location', async () => {
    const cwd = testdir();
    const d = single(await load(cwd, 'pipelines/none.hcl'), 'file-read');
    expect(d.summary).toBe(`Cannot read "${path.join(cwd, 'pipelines', 'none.hcl')}"`);
    expect(d.range).toBeUndefined();
    expect(d.detail).toMatch(/ENOENT/);
  });

  it('reports a syntax error alone, without errors caused by the value it lost', async () => {
    const cwd = project(`pipeline "web" {\n  template =\n  environment "staging" {\n    app_port = 8080\n  }\n}\n`);
    expect((await load(cwd)).diagnostics.map(where(cwd))).toEqual(['pipelines/p.hcl:2:13-3:1 syntax: Expected an expression']);
  });

  it('reports names that cannot be part of group names, with the name to write', async () => {
    const cwd = project(`pipeline "web-app" {\n  template = "app.hcl"\n  environment "stag_ing" {\n    app_port = 8080\n  }\n}\n`);
    const r = await load(cwd);
    expect(r.diagnostics.map((d) => `${where(cwd)(d)} / ${d.hint}`)).toEqual([
      'pipelines/p.hcl:1:10-1:19 invalid-value: Invalid pipeline name "web-app" / Write "webapp".',
      'pipelines/p.hcl:3:15-3:25 invalid-value: Invalid environment name "stag_ing" / Write "staging".',
    ]);
  });

  it('reports a listen_port two environments share at the second, but lets several pick 0', async () => {
    const envs = (a: number, b: number, c: number) =>
      `pipeline "web" {\n  template = "app.hcl"\n` +
      [['a', a], ['b', b], ['c', c]].map(([n, port]) => `  environment "${n}" {\n    app_port    = 8080\n    listen_port = ${port}\n  }\n`).join('') +
      '}\n';
    const cwd = project(envs(9000, 0, 9000));
    const d = single(await load(cwd), 'invalid-value');
    expect(where(cwd)(d)).toBe('pipelines/p.hcl:13:19-13:23 invalid-value: listen_port 9000 is already taken by environment "a"');
    expect(d.hint).toBe('Use another port, or 0 to have bake pick a free one.');
    expect((await load(project(envs(0, 0, 9001)))).diagnostics).toEqual([]);
  });

  it('reports an approval needing more approvers than it lists, an approver listed twice and an empty list', async () => {
    const approval = (inner: string) => project(staging(`    approval {\n${inner}    }\n`));
    const tooMany = approval('      approvers = ["x"]\n      required  = 2\n');
    expect(where(tooMany)(single(await load(tooMany), 'invalid-value'))).toBe('pipelines/p.hcl:7:7-7:20 invalid-value: required = 2 but only 1 approver is listed');
    const twice = approval('      approvers = ["x", "y", "x"]\n');
    expect(single(await load(twice), 'type-mismatch').detail).toBe('element 2: "x" is listed twice');
    const none = approval('      approvers = []\n');
    expect(single(await load(none), 'type-mismatch').detail).toBe('must be at least 1 element');
  });

  it('reports a health-check path that HAProxy could not send', async () => {
    const cwd = project(staging('    health_check {\n      path = "/he alth"\n    }\n'));
    expect(single(await load(cwd), 'type-mismatch').detail).toBe('an HTTP path is required: "/" then printable ASCII with no spaces');
  });

  it('reports every error of a file in one run, sorted by position', async () => {
    const cwd = project(
      `pipeline "web" {\n  template = "app.hcl"\n  environment "staging" {\n    app_port  = 8080\n    instances = "two"\n  }\n` +
        `  environment "prod" {\n    app_prot      = 8080\n    keep_previous = "5 minutes"\n  }\n  environment "staging" {\n    app_port = 1\n  }\n}\n`,
    );
    const r = await load(cwd);
    expect(r.pipeline).toBeUndefined();
    expect(r.diagnostics.map(where(cwd))).toEqual([
      'pipelines/p.hcl:5:17-5:22 type-mismatch: Invalid value for "instances"',
      'pipelines/p.hcl:7:3-7:21 missing-attribute: Missing required argument "app_port" in environment "prod"',
      'pipelines/p.hcl:8:5-8:13 unknown-attribute: Unsupported argument "app_prot" in environment "prod"',
      'pipelines/p.hcl:9:21-9:32 type-mismatch: Invalid value for "keep_previous"',
      'pipelines/p.hcl:11:15-11:24 duplicate-block: Duplicate environment "staging"',
    ]);
  });
});

describe('isPipelineFile, how bake validate tells a pipeline from a template', () => {
  it('takes any file in a pipelines/ folder, or one with a top-level pipeline block, but not a template', () => {
    const cwd = testdir({ 'pipelines/typo.hcl': 'pipline "web" {\n}\n', 'deploy/p.hcl': staging(), 'templates/app.hcl': 'source "qemu" "app" {\n}\n' });
    const d = deps(cwd);
    expect(isPipelineFile(path.join(cwd, 'pipelines', 'typo.hcl'), d)).toBe(true);
    expect(isPipelineFile(path.join(cwd, 'deploy', 'p.hcl'), d)).toBe(true);
    expect(isPipelineFile(path.join(cwd, 'templates', 'app.hcl'), d)).toBe(false);
    expect(isPipelineFile(path.join(cwd, 'missing.hcl'), d)).toBe(false);
  });
});

describe('bake validate on a pipeline file', () => {
  it("says the repository's pipelines/web.hcl is valid", async () => {
    const r = await runCli(['validate', 'pipelines/web.hcl'], { cwd: repoRoot });
    expect(r).toEqual({ code: 0, stdout: 'pipelines/web.hcl: the configuration is valid.\n', stderr: '' });
  });

  it('prints every error at file:line:col with its source line and hint, and no stack', async () => {
    const cwd = project(staging('    instances = "two"\n    instance  = 2\n'));
    const r = await runCli(['validate', 'pipelines/p.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'pipelines/p.hcl:5:17: error: Invalid value for "instances"',
        '  5 |     instances = "two"',
        '    |                 ^~~~~',
        '  a number is required, got string',
        'pipelines/p.hcl:6:5: error: Unsupported argument "instance" in environment "staging"',
        '  6 |     instance  = 2',
        '    |     ^~~~~~~~',
        '  An argument named "instance" is not expected here.',
        '  hint: Did you mean "instances"?',
        '2 errors in pipelines/p.hcl',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('checks a file in pipelines/ as a pipeline, so a misspelt pipline block gets its did-you-mean', async () => {
    const cwd = project('pipline "web" {\n}\n');
    const r = await runCli(['validate', 'pipelines/p.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pipelines\/p\.hcl:1:1: error: Unsupported block type "pipline" in a pipeline file\n/);
    expect(r.stderr).toContain('  hint: Did you mean "pipeline"?\n1 error in pipelines/p.hcl\n');
  });

  it('reports an invalid UTF-8 byte at file:line:col', async () => {
    const cwd = project('');
    writeFileSync(path.join(cwd, 'pipelines', 'p.hcl'), Buffer.concat([Buffer.from('pipeline "web" {\n  template = "app'), Buffer.from([0xe9]), Buffer.from('.hcl"\n}\n')]));
    const r = await runCli(['validate', 'pipelines/p.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pipelines\/p\.hcl:2:18: error: The file is not valid UTF-8\n/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
