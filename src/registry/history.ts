/**
 * The audit trail: every build, promote, rollback and down, appended as one JSON line to
 * BAKE_HOME/history.jsonl and never rewritten. One write() per entry on a file opened for append,
 * so concurrent bakes interleave whole lines.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface HistoryEntry {
  at: string;
  /** Who ran it: BAKE_ACTOR, else GITHUB_ACTOR in CI, else the login name. */
  actor: string;
  action: 'build' | 'promote' | 'rollback' | 'down';
  result: 'succeeded' | 'failed' | 'rolled-back' | 'unchanged';
  env?: string;
  image?: string;
  /** Group names: what served before, what serves after. */
  from?: string;
  to?: string;
  template?: string;
  detail?: string;
}

export function historyFile(home: string): string {
  return path.join(home, 'history.jsonl');
}

export function appendHistory(home: string, entry: HistoryEntry): void {
  mkdirSync(home, { recursive: true });
  const fd = openSync(historyFile(home), 'a', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(entry)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Entries in the order they were written; a torn last line (a crash mid-write) is skipped. */
export function readHistory(home: string): HistoryEntry[] {
  let text: string;
  try {
    text = readFileSync(historyFile(home), 'utf8');
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // not a whole entry
    }
  }
  return out;
}
