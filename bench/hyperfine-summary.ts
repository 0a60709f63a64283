/**
 * Markdown tables from hyperfine --export-json files: median, min and max wall time, user+sys CPU
 * (mean), and for each "bake: X" command with a "packer: X" twin in the same file, the ratio of
 * their medians (bake / packer; below 1 means bake is faster).
 *
 * Run: node --import tsx/esm bench/hyperfine-summary.ts bench/out/cli-*.json
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const TARGET_MS = 400;

interface HyperfineResult {
  command: string;
  median: number;
  min: number;
  max: number;
  user: number;
  system: number;
  times?: number[];
}

const ms = (s: number) => (s * 1000).toFixed(0);

function table(file: string): string {
  const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] };
  const byName = new Map(results.map((r) => [r.command, r]));
  const rows = results.map((r) => {
    const twin = r.command.startsWith('bake: ') ? byName.get(r.command.replace(/^bake: /, 'packer: ')) : undefined;
    const ratio = twin ? `${(r.median / twin.median).toFixed(2)}` : '';
    const target = r.command.startsWith('bake: validate') ? (r.median * 1000 < TARGET_MS ? 'under' : 'OVER') : '';
    return `| ${r.command} | ${r.times?.length ?? ''} | ${ms(r.median)} | ${ms(r.min)} | ${ms(r.max)} | ${ms(r.user + r.system)} | ${ratio} | ${target} |`;
  });
  return [
    `${path.basename(file)}:`,
    '',
    `| command | runs | median ms | min ms | max ms | user+sys ms | bake/packer | < ${TARGET_MS} ms |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: hyperfine-summary.ts FILE.json...\n');
  process.exitCode = 2;
} else {
  process.stdout.write(files.map(table).join('\n'));
}
