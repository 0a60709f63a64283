/**
 * `-only` / `-except`: pick build sources by name, with `*` globs, as Packer does. A source
 * matches as `TYPE.NAME`, `source.TYPE.NAME`, or `BUILD.TYPE.NAME` when the build has a name.
 * A pattern that matches nothing is an error: a typo there silently builds nothing otherwise.
 */
import { error, type Diagnostic } from './diagnostics.js';
import type { Build, BuildSource } from './model.js';
import { didYouMean } from './suggest.js';

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function namesOf(build: Build, bs: BuildSource): string[] {
  const local = `${bs.source.type}.${bs.name}`;
  const names = [local, `source.${local}`, bs.ref, `source.${bs.ref}`];
  if (build.name) names.push(`${build.name}.${local}`);
  return names;
}

export function applyBuildFilter(builds: Build[], filter: { only?: string[] | undefined; except?: string[] | undefined }): { builds: Build[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const all = builds.flatMap((b) => b.sources.map((s) => ({ build: b, source: s, names: namesOf(b, s) })));
  const shown = [...new Set(all.map((x) => x.names.at(-1)!.startsWith('source.') ? x.names[0]! : x.names.at(-1)!))];
  const check = (flag: string, patterns: string[] | undefined) => {
    const res = (patterns ?? []).map((p) => ({ p, re: globToRegExp(p) }));
    for (const { p, re } of res) {
      if (!all.some((x) => x.names.some((n) => re.test(n)))) {
        diagnostics.push(
          error('invalid-argument', `-${flag}=${p} matches no build source`, undefined, {
            detail: all.length ? `Build sources: ${shown.join(', ')}.` : 'The template has no build sources.',
            hint: didYouMean(p, all.flatMap((x) => x.names)),
          }),
        );
      }
    }
    return res.map((r) => r.re);
  };
  const only = check('only', filter.only);
  const except = check('except', filter.except);
  if (only.length === 0 && except.length === 0) return { builds, diagnostics };
  const keep = (b: Build, s: BuildSource) => {
    const names = namesOf(b, s);
    const hit = (res: RegExp[]) => res.some((re) => names.some((n) => re.test(n)));
    return (only.length === 0 || hit(only)) && !hit(except);
  };
  return { builds: builds.map((b) => ({ ...b, sources: b.sources.filter((s) => keep(b, s)) })), diagnostics };
}
