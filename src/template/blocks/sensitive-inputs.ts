/**
 * The raw text given for sensitive variables, registered for redaction before anything is
 * parsed. A value that fails to parse, convert or validate is echoed by the error about it (in the
 * message, or in the source line under the caret), so redacting only evaluated values would leak
 * exactly the values a user mistyped. Var files are scanned as text, line by line, because a
 * file with a syntax error has no trustworthy syntax tree.
 */
import type { CliVar } from './variable-values.js';

const ENV_PREFIXES = ['PKR_VAR_', 'BAKE_VAR_'];
const ASSIGNMENT = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;

/** `"hunter2",` → `hunter2`: the value without the syntax around it. */
function bare(text: string): string {
  return text.replace(/,\s*$/, '').replace(/^["'\[{(]+/, '').replace(/["'\]})]+$/, '').trim();
}

function candidates(text: string): string[] {
  return [...new Set([text.trim(), bare(text)])].filter((t) => t.length > 0);
}

export function sensitiveInputs(
  names: ReadonlySet<string>,
  input: { cliVars: readonly CliVar[]; env: Readonly<Record<string, string | undefined>>; varFileTexts: readonly string[] },
): string[] {
  if (names.size === 0) return [];
  const out: string[] = [];
  for (const cv of input.cliVars) if (names.has(cv.name)) out.push(...candidates(cv.value));
  for (const name of names) {
    for (const prefix of ENV_PREFIXES) {
      const v = input.env[prefix + name];
      if (v !== undefined) out.push(...candidates(v));
    }
  }
  for (const text of input.varFileTexts) {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const m = ASSIGNMENT.exec(lines[i]!);
      if (!m || !names.has(m[1]!)) continue;
      const rhs = m[2]!;
      out.push(...candidates(rhs));
      // A value spanning lines (a heredoc, a list, an object): every line up to its end.
      const heredoc = /^<<-?([A-Za-z_][A-Za-z0-9_]*)$/.exec(rhs);
      const opens = /^[\[{(]/.test(rhs) && !/[\]})],?$/.test(rhs);
      if (!heredoc && !opens) continue;
      for (i++; i < lines.length; i++) {
        const line = lines[i]!.trim();
        if (heredoc ? line === heredoc[1] : /^[\]})],?$/.test(line)) break;
        if (!heredoc && ASSIGNMENT.test(lines[i]!) && !/^\s/.test(lines[i]!)) break;
        out.push(...candidates(line));
      }
    }
  }
  return out;
}
