/**
 * `-only` / `-except`: pick build sources by name, with `*` globs, as Packer does. A build source
 * is named `TYPE.NAME` (NAME being its build-local name, as Packer's `build.source` usage names
 * it), and also `source.TYPE.NAME`, and `BUILD.TYPE.NAME` when the build has a name.
 * A pattern that matches nothing is an error: a typo there silently builds nothing otherwise.
 */
import { error, type Diagnostic } from './diagnostics.js';
import type { Build, BuildSource } from './model.js';
import { didYouMean } from './suggest.js';

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The name shown for a build source: as Packer prints it, with the build's name in front. */
function displayName(build: Build, bs: BuildSource): string {
  const local = `${bs.source.type}.${bs.name}`;
  return build.name ? `${build.name}.${local}` : local;
}

function namesOf(build: Build, bs: BuildSource): string[] {
  const local = `${bs.source.type}.${bs.name}`;
  const names = [local, `source.${local}`];
  if (build.name) names.push(`${build.name}.${local}`);
  return names;
}

export interface BuildFilter {
  only?: string[] | undefined;
  except?: string[] | undefined;
}

/**
 * `unavailable` names build sources the template writes but that were left out of their builds
 * because of an error already reported; a pattern matching only those is not reported again.
 */
export function applyBuildFilter(builds: Build[], filter: BuildFilter, unavailable: readonly string[] = []): { builds: Build[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const all = builds.flatMap((b) => b.sources.map((s) => ({ build: b, source: s, names: namesOf(b, s) })));
  const shown = [...new Set(all.map((x) => displayName(x.build, x.source)))];
  const buildNames = new Set(builds.flatMap((b) => (b.name ? [b.name] : [])));
  const check = (flag: string, patterns: string[] | undefined) => {
    const res = (patterns ?? []).map((p) => ({ p, re: globToRegExp(p) }));
    for (const { p, re } of res) {
      if (all.some((x) => x.names.some((n) => re.test(n))) || unavailable.some((n) => re.test(n))) continue;
      diagnostics.push(
        error('invalid-argument', `-${flag}=${p} matches no build source`, undefined, {
          detail: all.length ? `Build sources: ${shown.join(', ')}.` : 'The template has no build sources.',
          hint: buildNames.has(p) ? `Write -${flag}=${p}.* for every source of build "${p}".` : didYouMean(p, all.flatMap((x) => x.names)),
        }),
      );
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
