/**
 * End-to-end helpers: a throwaway directory of files, and the real ./bin/bake run as a child
 * process, as a user would run it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bakeBin = path.join(repoRoot, 'bin', 'bake');

/** A temporary directory holding `files` (paths may have folders), removed when the test ends. */
export function testdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bake-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd: string;
  /** Added to (or, with undefined, removed from) a copy of this process's environment. */
  env?: Record<string, string | undefined>;
  /** The script to run; ./bin/bake unless a test needs another copy. */
  bin?: string;
}

/** Runs bake with no stdin and returns its exit code and output. */
export function runCli(args: readonly string[], opts: RunCliOptions): Promise<CliResult> {
  const env: Record<string, string> = {};
  // A developer's BAKE_DEBUG or NO_COLOR must not change what tests see.
  const merged = { ...process.env, BAKE_DEBUG: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? bakeBin, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
