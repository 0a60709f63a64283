/**
 * The cases bench/diagnostics-vs-packer.sh compares with Packer, held to bake's side of the
 * table without needing Packer: each defect is reported with an error on the line its header
 * names, with the did-you-mean it names. Each case is loaded as the script loads it, as a
 * directory together with base/bake.pkr.hcl.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { loadAsCli, rangeProblems, where } from './_diagnostics.js';

const casesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'packer-comparison');
const names = readdirSync(casesDir).filter((n) => /^\d+-.*\.pkr\.hcl$/.test(n)).sort();

/** `# defect: DESCRIPTION; line N[,M]; suggest "NAME"` */
function header(text: string): { defect: string; lines: number[]; suggest?: string } {
  const m = /^# defect: ([^;]+); line ([\d,]+)(?:; suggest "([^"]+)")?$/m.exec(text.split('\n')[0]!);
  if (!m) throw new Error(`bad header: ${text.split('\n')[0]}`);
  return { defect: m[1]!, lines: m[2]!.split(',').map(Number), ...(m[3] ? { suggest: m[3] } : {}) };
}

describe('the cases compared with Packer', () => {
  it('are the 20 the benchmark table shows', () => {
    expect(names).toHaveLength(20);
  });

  it('share a base source that is valid on its own, so every error comes from the case', async () => {
    const dir = testdir({
      'case/base.pkr.hcl': readFileSync(path.join(casesDir, 'base', 'bake.pkr.hcl'), 'utf8'),
      'case/build.pkr.hcl': 'build {\n  sources = ["source.qemu.base"]\n}\n',
    });
    expect((await loadAsCli('case', dir)).diagnostics.map(where)).toEqual([]);
  });

  it.each(names)('%s: bake locates the defect and suggests the intended name', async (name) => {
    const text = readFileSync(path.join(casesDir, name), 'utf8');
    const { lines, suggest } = header(text);
    const dir = testdir({ [`case/${name}`]: text, 'case/base.pkr.hcl': readFileSync(path.join(casesDir, 'base', 'bake.pkr.hcl'), 'utf8') });
    const r = await loadAsCli('case', dir);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const located = errors.filter((d) => d.range && path.basename(d.range.filename) === name && lines.includes(d.range.start.line));
    expect(located.map(where), errors.map(where).join('\n')).not.toEqual([]);
    if (suggest) expect(located.map((d) => d.hint)).toContain(`Did you mean "${suggest}"?`);
    expect(rangeProblems(r.diagnostics, r.sources)).toEqual([]);
  });
});
