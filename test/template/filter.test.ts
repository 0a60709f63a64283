import { describe, expect, it } from 'vitest';
import { applyBuildFilter } from '../../src/template/filter.js';
import type { Build } from '../../src/template/model.js';
import { loaded, loadOne, only } from '../_helpers/load.js';
import { build, source } from '../_helpers/template.js';

const base = source('qemu', 'base');
const app = source('qemu', 'app');

/** Build `os` uses qemu.base; an unnamed build uses qemu.app and qemu.base renamed "extra". */
function builds(): Build[] {
  const unnamed = build([app, base]);
  unnamed.sources[1]!.name = 'extra';
  return [build([base], { name: 'os' }), unnamed];
}

function kept(filter: { only?: string[]; except?: string[] }): string[] {
  const r = applyBuildFilter(builds(), filter);
  expect(r.diagnostics).toEqual([]);
  return r.builds.flatMap((b) => b.sources.map((s) => `${b.name ?? '-'}/${s.source.type}.${s.name}`));
}

describe('-only and -except', () => {
  it('matches TYPE.NAME and source.TYPE.NAME exactly', () => {
    expect(kept({ only: ['qemu.app'] })).toEqual(['-/qemu.app']);
    expect(kept({ only: ['source.qemu.app'] })).toEqual(['-/qemu.app']);
  });

  it('keeps everything without patterns, and matches globs', () => {
    expect(kept({})).toEqual(['os/qemu.base', '-/qemu.app', '-/qemu.extra']);
    expect(kept({ only: ['qemu.*'] })).toEqual(['os/qemu.base', '-/qemu.app', '-/qemu.extra']);
    expect(kept({ only: ['*.ba*'] })).toEqual(['os/qemu.base']);
  });

  it('matches BUILD.TYPE.NAME and BUILD.* for named builds', () => {
    expect(kept({ only: ['os.qemu.base'] })).toEqual(['os/qemu.base']);
    expect(kept({ only: ['os.*'] })).toEqual(['os/qemu.base']);
  });

  it('knows a renamed build source by its build-local name, not by the source it uses', () => {
    expect(kept({ only: ['qemu.extra'] })).toEqual(['-/qemu.extra']);
    expect(kept({ except: ['qemu.base'] })).toEqual(['-/qemu.app', '-/qemu.extra']);
  });

  it('drops what -except matches', () => {
    expect(kept({ except: ['qemu.app', 'os.*'] })).toEqual(['-/qemu.extra']);
  });

  it('reports a pattern that matches nothing, with the build sources and a did-you-mean', () => {
    const r = applyBuildFilter(builds(), { only: ['qemu.bsae'] });
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'invalid-argument',
        summary: '-only=qemu.bsae matches no build source',
        detail: 'Build sources: os.qemu.base, qemu.app, qemu.extra.',
        hint: 'Did you mean "qemu.base"?',
      },
    ]);
    expect(applyBuildFilter(builds(), { except: ['amazon-ebs.*'] }).diagnostics.map((d) => d.summary)).toEqual(['-except=amazon-ebs.* matches no build source']);
  });

  it('suggests BUILD.* for a bare build name', () => {
    expect(applyBuildFilter(builds(), { only: ['os'] }).diagnostics[0]!.hint).toBe('Write -only=os.* for every source of build "os".');
  });

  it('says when the template has no build sources at all', () => {
    expect(applyBuildFilter([], { only: ['qemu.x'] }).diagnostics[0]!.detail).toBe('The template has no build sources.');
  });
});

describe('-only and -except in a loaded template', () => {
  const T = `source "qemu" "base" {\n  parent = "p"\n}\nsource "qemu" "app" {\n  parent = "p"\n}\nbuild {\n  name    = "layers"\n  sources = ["source.qemu.base", "source.qemu.app"]\n}\n`;

  it('filters the build sources of the template', () => {
    const t = loaded(loadOne(T, { only: ['layers.qemu.app'] }));
    expect(t.builds[0]!.sources.map((s) => s.ref)).toEqual(['qemu.app']);
  });

  it('does not report a pattern naming a source already reported as unsupported or unknown', () => {
    const r = loadOne(`source "amazon-ebs" "ami" {\n}\nbuild {\n  sources = ["source.amazon-ebs.ami", "source.qemu.gone"]\n}\n`, { only: ['amazon-ebs.ami', 'qemu.gone'] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['not-supported-yet', 'unknown-source']);
  });

  it('reports a pattern matching nothing as an error without a location', () => {
    expect(only(loadOne(T, { except: ['qemu.nope'] }), 'invalid-argument').range).toBeUndefined();
  });
});
