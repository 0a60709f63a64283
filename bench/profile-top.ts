/**
 * The top functions of a V8 .cpuprofile (from `node --cpu-prof`), by self and by total time,
 * counting only samples taken inside a function named by --under (default loadTemplate), so
 * that start-up and module loading do not drown the template engine.
 *
 * Run: node --import tsx/esm bench/profile-top.ts FILE.cpuprofile [--under NAME] [--top N]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url ? path.relative(process.cwd(), url.replace(/^file:\/\//, '')) : '';
  // tsx's transpiled modules report every function at line 0, so a line is shown only when known.
  return `${functionName || '(anonymous)'}${file ? ` ${file}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}` : ''}`;
}

function main(argv: string[]): void {
  const file = argv.find((a, i) => !a.startsWith('--') && !['--under', '--top'].includes(argv[i - 1] ?? ''));
  if (!file) {
    process.stderr.write('usage: profile-top.ts FILE.cpuprofile [--under NAME] [--top N]\n');
    process.exitCode = 2;
    return;
  }
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const under = flag('--under') ?? 'loadTemplate';
  const top = Number(flag('--top') ?? 15);

  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let inside = 0;
  let all = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attribute it to the sample, as DevTools does.
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    const stack: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!);
    if (!stack.some((n) => n.callFrame.functionName === under)) return;
    inside += dt;
    const leaf = label(stack[0]!);
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    for (const name of new Set(stack.map(label))) total.set(name, (total.get(name) ?? 0) + dt);
  });

  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`${title}\n`);
    for (const [name, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / inside).toFixed(1).padStart(5)}%  ${name}\n`);
    }
  };
  process.stdout.write(`${file}: ${inside.toFixed(1)} ms of ${all.toFixed(1)} ms sampled inside ${under}\n`);
  show('self time', self);
  show('total time', total);
}

main(process.argv.slice(2));
