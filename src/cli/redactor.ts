/**
 * Replaces every registered sensitive value with `<sensitive>` in text about to be printed.
 * All output of the CLI goes through one Redactor (see io.ts), so a sensitive variable's value
 * cannot leak through a diagnostic, an error message, a stack trace or `inspect --json`.
 *
 * Limits, as in Packer's own secret filter: only the literal value is found, not a value the
 * template transformed (base64encode(var.secret)), and a very short secret also hides every
 * innocent occurrence of the same characters.
 */
import { REDACTED } from '../template/model.js';

/** Lines of a multi-line secret shorter than this are not redacted on their own (a lone `{`). */
const MIN_LINE_SECRET = 4;

export class Redactor {
  #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers values to hide from now on; empty strings are ignored. */
  add(values: Iterable<string>): void {
    for (const value of values) {
      if (value === '') continue;
      for (const form of forms(value)) this.#secrets.add(form);
    }
    this.#pattern = undefined;
  }

  get size(): number {
    return this.#secrets.size;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#pattern ??= compile(this.#secrets);
    return text.replace(this.#pattern, REDACTED);
  }
}

/**
 * The spellings under which a value can show up in output: as is, JSON-escaped (inside
 * `inspect --json` or a quoted value in a message), and line by line for a multi-line secret whose
 * lines the writer may see in separate writes.
 */
function forms(value: string): string[] {
  const out = [value];
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) out.push(escaped);
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_SECRET) out.push(trimmed);
    }
  }
  return out;
}

function compile(secrets: Set<string>): RegExp {
  // Longest first, so a secret that contains another one is hidden whole.
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
