/**
 * The canonical layout of an HCL file, behind `bake fmt`: the layout of `packer fmt` and
 * `terraform fmt` (hclwrite.Format), so a template formatted by either stays as it is.
 *
 * Like hclwrite it works on tokens, not on the syntax tree, and changes only the spaces between
 * tokens: indentation by bracket nesting, single spaces by hclwrite's rules, and the `=` and
 * trailing comments of consecutive single-line attributes aligned. Line breaks stay where the
 * author put them, blank lines included.
 *
 * Where we differ from hclwrite, on purpose:
 * - nothing between the quotes of a string or inside a heredoc changes, not even the spacing
 *   inside `${ }` (hclwrite turns `${ a }` into `${a}`);
 * - the file ends with exactly one line end (no trailing blank lines), and a file with nothing
 *   but whitespace becomes empty;
 * - trailing blanks after a `#` or `//` comment or a closing heredoc marker are removed;
 * - `1 .5` (an index into the number 1) keeps its space instead of becoming the number `1.5`.
 *
 * Line ends are kept as written, as hclwrite does: a CRLF file stays CRLF. Turning CRLF into LF
 * would change the value of every heredoc in the file; the line end added at the end of a file
 * copies the file's own.
 */
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import { layout } from './format/layout.js';
import { splitLines } from './format/lines.js';
import { lex } from './lexer.js';
import { parseHcl } from './parser.js';

export interface FormatResult {
  output: string;
  diagnostics: Diagnostic[];
}

/**
 * Formats one file. A file with syntax errors comes back unchanged, with the errors: formatting
 * a broken file could move things far from where the author will look for them.
 */
export function formatHcl(text: string, filename: string): FormatResult {
  const { diagnostics } = parseHcl(text, filename);
  if (hasErrors(diagnostics)) return { output: text, diagnostics };
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const { tokens } = lex(bom === '' ? text : text.slice(1), filename);
  // Cannot happen in a file that parsed; if it ever does, leaving the file alone is the safe answer.
  if (tokens.some((t) => t.kind === 'Invalid' || t.kind === 'TemplateAbort')) return { output: text, diagnostics };
  return { output: bom + endWithOneLineEnd(layout(splitLines(tokens))), diagnostics };
}

function endWithOneLineEnd(text: string): string {
  const trailing = /(?:\r?\n)+$/.exec(text);
  const body = trailing === null ? text : text.slice(0, trailing.index);
  if (body === '') return '';
  const eol = (trailing ?? /\r?\n/.exec(text))?.[0].startsWith('\r') ? '\r\n' : '\n';
  return body + eol;
}
