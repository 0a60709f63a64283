/**
 * In-process timing of the template engine on the generated 1,000-line template
 * (bench/template-generate.ts): (a) parseHcl alone, (b) the whole load, i.e. loadTemplate with
 * the dependencies the CLI gives it (realEngine().load: read, parse, schema, evaluation).
 *
 * Reports the first call (what a single `bake validate` pays, before the JIT has warmed up: the
 * median of a few fresh processes that each time one call), then median, p90 and min over N
 * iterations in this process after a warm-up. The target is parse+validate of
 * 1,000 lines under 50 ms in-process. A benchmark, not a test: it asserts nothing about time, only
 * that the template loads without errors (else it would time the error path).
 *
 * Run: node --import tsx/esm bench/parse-validate.ts [--iterations N] [--warmup N] [--cold-runs N] [--lines N] [--json]
 * Profile: node --cpu-prof --cpu-prof-dir=bench/out/prof --import tsx/esm bench/parse-validate.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { realEngine } from '../src/cli/engine.js';
import { parseHcl } from '../src/template/hcl/parser.js';
import { BENCH_DIR, DEFAULT_LINES, writeBenchFiles } from './template-generate.js';

const TARGET_MS = 50;

type Subject = 'parse' | 'load';

interface Options {
  iterations: number;
  warmup: number;
  coldRuns: number;
  lines: number;
  json: boolean;
  /** Internal: time one call of this subject in this fresh process, print the ms, exit. */
  cold?: Subject;
}

function parseArgs(argv: string[]): Options {
  const num = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number`);
    return n;
  };
  const cold = argv[argv.indexOf('--cold') + 1];
  return {
    iterations: num('--iterations', 200),
    warmup: num('--warmup', 30),
    coldRuns: num('--cold-runs', 9),
    lines: num('--lines', DEFAULT_LINES),
    json: argv.includes('--json'),
    ...(argv.includes('--cold') ? { cold: cold === 'parse' ? 'parse' : 'load' } : {}),
  };
}

interface Stats {
  first: number;
  median: number;
  p90: number;
  min: number;
  iterations: number;
}

/** Nearest-rank percentile of sorted samples. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

async function time(run: () => unknown): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/** Median of the first call in `runs` fresh processes, each with the modules loaded but nothing run. */
function coldFirstCall(subject: Subject, opts: Options): number {
  const samples: number[] = [];
  for (let i = 0; i < opts.coldRuns; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--cold', subject, '--lines', String(opts.lines)], { encoding: 'utf8' });
    samples.push(Number(out.trim()));
  }
  return percentile(samples.sort((a, b) => a - b), 0.5);
}

async function measure(subject: Subject, run: () => unknown, opts: Options): Promise<Stats> {
  const first = coldFirstCall(subject, opts);
  for (let i = 0; i < opts.warmup; i++) await time(run);
  const samples: number[] = [];
  for (let i = 0; i < opts.iterations; i++) samples.push(await time(run));
  samples.sort((a, b) => a - b);
  return { first, median: percentile(samples, 0.5), p90: percentile(samples, 0.9), min: samples[0]!, iterations: samples.length };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const repo = path.dirname(BENCH_DIR);
  // A --cold child reads what its parent wrote, so that its one call is the only work it does.
  const files = opts.cold ? undefined : writeBenchFiles(opts.lines);
  const file = path.join(repo, files?.bake ?? path.join('bench', 'out', 'bake', `template-${opts.lines}.pkr.hcl`));
  const text = readFileSync(file, 'utf8');
  const engine = realEngine();
  // The same options `bake validate FILE` passes, less the process environment (PKR_VAR_*
  // must not change what is measured).
  const load = () => engine.load({ path: file, cwd: repo, env: {}, vars: [], varFiles: [] });
  const parse = () => parseHcl(text, file);
  if (opts.cold) {
    process.stdout.write(`${await time(opts.cold === 'parse' ? parse : load)}\n`);
    return;
  }
  if (!files) return;

  const check = await load();
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !check.template) {
    process.stderr.write(`error: ${files.bake} does not load cleanly, so this would time the error path:\n`);
    for (const d of errors.slice(0, 10)) process.stderr.write(`  ${d.range?.start.line ?? '?'}:${d.range?.start.column ?? '?'} ${d.summary}\n`);
    process.exitCode = 1;
    return;
  }
  const parsed = await measure('parse', parse, opts);
  const loaded = await measure('load', load, opts);

  const result = {
    template: files.bake,
    lines: files.lines.bake,
    provisioners: files.provisioners,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    warmup: opts.warmup,
    coldRuns: opts.coldRuns,
    parseHcl: parsed,
    loadTemplate: loaded,
    targetMs: TARGET_MS,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const ms = (n: number) => n.toFixed(2).padStart(8);
  const row = (name: string, s: Stats) => `| ${name.padEnd(40)} | ${ms(s.first)} | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.min)} |`;
  process.stdout.write(
    [
      `${files.bake}: ${files.lines.bake} lines, ${files.provisioners} provisioners; Node ${process.version}; first call: median of ${opts.coldRuns} fresh processes; then ${opts.warmup} warm-up and ${opts.iterations} timed iterations in one process`,
      '',
      `| ${'ms'.padEnd(40)} | ${'first'.padStart(8)} | ${'median'.padStart(8)} | ${'p90'.padStart(8)} | ${'min'.padStart(8)} |`,
      `| ${'-'.repeat(40)} | ${'-'.repeat(7)}: | ${'-'.repeat(7)}: | ${'-'.repeat(7)}: | ${'-'.repeat(7)}: |`,
      row('(a) parseHcl', parsed),
      row('(b) loadTemplate (realEngine().load)', loaded),
      '',
      `target: parse+validate of 1,000 lines under ${TARGET_MS} ms in-process; median ${loaded.median.toFixed(1)} ms (${loaded.median < TARGET_MS ? 'under' : 'OVER'}), first call ${loaded.first.toFixed(1)} ms (${loaded.first < TARGET_MS ? 'under' : 'OVER'})`,
      '',
    ].join('\n'),
  );
}

await main();
