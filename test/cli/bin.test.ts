/**
 * bin/bake's launcher, on a miniature checkout: a copy of bin/bake, a src/cli/main.ts of the
 * test's own, and esbuild linked from this repository. Shows when the bundle is rebuilt and that
 * concurrent first starts are safe.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bakeBin, repoRoot, runCli, testdir } from '../_helpers/cli.js';

function miniCheckout(main: string): { root: string; bin: string } {
  const root = testdir({
    'package.json': '{ "type": "module" }\n',
    'tsconfig.json': '{}\n',
    'src/cli/main.ts': main,
  });
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(bakeBin, path.join(root, 'bin', 'bake'));
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(path.join(repoRoot, 'node_modules', 'esbuild'), path.join(root, 'node_modules', 'esbuild'));
  symlinkSync(path.join(repoRoot, 'node_modules', '@esbuild'), path.join(root, 'node_modules', '@esbuild'));
  return { root, bin: path.join(root, 'bin', 'bake') };
}

const mainPrinting = (text: string) =>
  `import { label } from './label.js';\nexport async function run(argv: string[]): Promise<void> {\n  process.stdout.write(\`\${label} ${text} \${argv.join(' ')}\\n\`);\n}\n`;

function builds(root: string): string[] {
  return readdirSync(path.join(root, 'node_modules', '.cache', 'bake')).filter((n) => n.startsWith('build-'));
}

function current(root: string): string {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', '.cache', 'bake', 'current.json'), 'utf8')).dir;
}

describe('bin/bake', () => {
  it('bundles on first start, then reuses the bundle while src/ is unchanged', async () => {
    const { root, bin } = miniCheckout(mainPrinting('one'));
    writeFileSync(path.join(root, 'src/cli/label.ts'), "export const label: string = 'v';\n");
    expect(await runCli(['a', 'b'], { cwd: root, bin })).toEqual({ code: 0, stdout: 'v one a b\n', stderr: '' });
    const first = current(root);
    expect(await runCli([], { cwd: root, bin })).toMatchObject({ code: 0, stdout: 'v one \n' });
    expect(current(root)).toBe(first);
    expect(builds(root)).toEqual([first]);
  });

  it('rebuilds when a source file changes, is added or is removed', async () => {
    const { root, bin } = miniCheckout(mainPrinting('one'));
    writeFileSync(path.join(root, 'src/cli/label.ts'), "export const label: string = 'v';\n");
    await runCli([], { cwd: root, bin });

    writeFileSync(path.join(root, 'src/cli/label.ts'), "export const label: string = 'changed';\n");
    expect((await runCli([], { cwd: root, bin })).stdout).toBe('changed one \n');

    writeFileSync(path.join(root, 'src/cli/extra.ts'), 'export {};\n');
    const beforeAdd = current(root);
    await runCli([], { cwd: root, bin });
    expect(current(root)).not.toBe(beforeAdd);

    rmSync(path.join(root, 'src/cli/extra.ts'));
    const beforeRemove = current(root);
    await runCli([], { cwd: root, bin });
    expect(current(root)).not.toBe(beforeRemove);
  });

  it('survives several first starts at once', async () => {
    const { root, bin } = miniCheckout(mainPrinting('one'));
    writeFileSync(path.join(root, 'src/cli/label.ts'), "export const label: string = 'v';\n");
    const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['x'], { cwd: root, bin })));
    for (const r of results) expect(r).toEqual({ code: 0, stdout: 'v one x\n', stderr: '' });
    expect(builds(root)).toContain(current(root));
    expect(readdirSync(path.join(root, 'node_modules', '.cache', 'bake')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('reports a source that does not compile and keeps no broken bundle', async () => {
    const { root, bin } = miniCheckout('export async function run( {\n');
    const r = await runCli([], { cwd: root, bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/cli/main.ts');
    expect(r.stderr).toContain('error: bake could not be bundled from src/');
    expect(readdirSync(path.join(root, 'node_modules', '.cache', 'bake'))).toEqual([]);
  });

  it('asks for npm ci when the dependencies are missing', async () => {
    const { root, bin } = miniCheckout(mainPrinting('one'));
    rmSync(path.join(root, 'node_modules'), { recursive: true });
    const r = await runCli([], { cwd: root, bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Run "npm ci"');
  });
});
