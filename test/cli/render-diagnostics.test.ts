import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PER_FILE, renderDiagnostic, renderDiagnostics, summarizeDiagnostics, visualColumns } from '../../src/cli/render-diagnostics.js';
import { error, warning, type Diagnostic } from '../../src/template/diagnostics.js';
import { range } from '../_helpers/template.js';

const cwd = path.resolve('/srv/bake');
const file = path.join(cwd, 'templates', 'app.pkr.hcl');

function render(d: Diagnostic, text: string): string[] {
  return renderDiagnostic(d, { cwd, sources: new Map([[file, text]]) }).trimEnd().split('\n');
}

/** Where the first caret or tilde of a marker line points, in the displayed source line. */
function markedText(lines: string[], sourceIdx: number, markerIdx: number): string {
  const source = lines[sourceIdx]!;
  const marker = lines[markerIdx]!;
  const start = marker.search(/[\^~]/);
  const end = marker.trimEnd().length;
  return source.slice(start, end);
}

describe('renderDiagnostic', () => {
  it('prints FILE:LINE:COL relative to cwd, the source line and a caret under the range', () => {
    const text = 'source "qemu" "base" {\n  mem_size = 1024\n}\n';
    const d = error('unknown-attribute', 'Unsupported argument "mem_size"', range(file, 2, 3, 11), {
      detail: 'An argument named "mem_size" is not expected here.',
      hint: 'Did you mean "memory"?',
    });
    const lines = render(d, text);
    expect(lines).toEqual([
      'templates/app.pkr.hcl:2:3: error: Unsupported argument "mem_size"',
      '  2 |   mem_size = 1024',
      '    |   ^~~~~~~~',
      '  An argument named "mem_size" is not expected here.',
      '  hint: Did you mean "memory"?',
    ]);
    expect(markedText(lines, 1, 2)).toBe('mem_size');
  });

  it('marks a zero-width range with a single caret, also past the end of the line', () => {
    const lines = render(error('unclosed-brace', 'Unclosed brace', range(file, 1, 7, 7)), 'build {');
    expect(lines[2]).toBe('    |       ^');
  });

  it('lines the caret up under text that follows tabs', () => {
    const text = '\tbuild {\n\t\tname\t= "x"\n\t}\n';
    const col = '\t\tname\t= "x"'.indexOf('"') + 1;
    const lines = render(error('type-mismatch', 'Wrong type', range(file, 2, col, col + 3)), text);
    expect(lines[1]).not.toContain('\t');
    expect(markedText(lines, 1, 2)).toBe('"x"');
  });

  it('counts wide characters as two columns', () => {
    const text = 'description = "日本" + x';
    const col = text.indexOf('x') + 1;
    const lines = render(error('unknown-variable', 'Unknown', range(file, 1, col, col + 1)), text);
    const marker = lines[2]!;
    // The gutter is the same width on both lines, so compare terminal columns after it.
    expect(marker.indexOf('^') - marker.indexOf('|')).toBe(visualColumns(text).cols[col - 1]! + 2);
  });

  it('underlines a multi-line range from its start to the end of its first line, then its last line', () => {
    const text = ['build {', '  x = [', '    1,', '    2,', '  ]', '}'].join('\n');
    const lines = render(error('type-mismatch', 'A list of strings is required', range(file, 2, 7, 4, 5)), text);
    expect(lines).toEqual([
      'templates/app.pkr.hcl:2:7: error: A list of strings is required',
      '  2 |   x = [',
      '    |       ^',
      '    | ...',
      '  5 |   ]',
      '    |   ~',
    ]);
  });

  it('shows a two-line range without an ellipsis, and takes an end at column 1 as the end of the line before', () => {
    const text = 'a = "one\ntwo"\nb = 1\n';
    const lines = render(error('syntax', 'Newline in string', range(file, 1, 5, 1, 3)), text);
    expect(lines.slice(1)).toEqual(['  1 | a = "one', '    |     ^~~~', '  2 | two"', '    | ~~~~']);
  });

  it('widens the gutter for long line numbers', () => {
    const text = `${'\n'.repeat(99)}zz = 1`;
    const lines = render(error('unknown-attribute', 'Nope', range(file, 100, 1, 3)), text);
    expect(lines.slice(1)).toEqual(['  100 | zz = 1', '      | ^~']);
  });

  it('prints warnings as warning:', () => {
    expect(render(warning('not-supported-yet', 'Ignored', range(file, 1, 1)), 'x')[0]).toBe('templates/app.pkr.hcl:1:1: warning: Ignored');
  });

  it('prints a diagnostic without a range, or without its source text, with no snippet', () => {
    expect(render(error('invalid-argument', 'Bad --var', undefined, { hint: 'Use NAME=VALUE' }), '')).toEqual(['error: Bad --var', '  hint: Use NAME=VALUE']);
    const elsewhere = renderDiagnostic(error('syntax', 'Oops', range('/elsewhere/x.hcl', 3, 1)), { cwd, sources: new Map() });
    expect(elsewhere).toBe('/elsewhere/x.hcl:3:1: error: Oops\n');
  });

  it('indents every line of a multi-line detail', () => {
    const lines = render(error('syntax', 'Oops', undefined, { detail: 'one\ntwo' }), '');
    expect(lines).toEqual(['error: Oops', '  one', '  two']);
  });
});

describe('renderDiagnostics', () => {
  it('sorts by file, then position', () => {
    const other = path.join(cwd, 'a.pkr.hcl');
    const at = (f: string, line: number, offset: number) => ({ ...range(f, line, 1), start: { line, column: 1, offset }, end: { line, column: 2, offset: offset + 1 } });
    const out = renderDiagnostics(
      [error('syntax', 'third', at(file, 9, 90)), error('syntax', 'second', at(file, 2, 20)), error('syntax', 'first', at(other, 5, 50))],
      { cwd, sources: new Map() },
    );
    expect(out.split('\n').filter((l) => l !== '').map((l) => l.split(': ').pop())).toEqual(['first', 'second', 'third']);
  });
});

describe('renderDiagnostics on input that is not a template', () => {
  it('prints the first MAX_PER_FILE diagnostics of a file and counts the rest', () => {
    const text = Array.from({ length: MAX_PER_FILE + 50 }, () => '\u0001').join('\n');
    const diags = Array.from({ length: MAX_PER_FILE + 50 }, (_, i) => error('invalid-character', `bad ${i + 1}`, range(file, i + 1, 1)));
    const out = renderDiagnostics(diags, { cwd, sources: new Map([[file, text]]) });
    expect(out).toContain(`error: bad ${MAX_PER_FILE}\n`);
    expect(out).not.toContain(`error: bad ${MAX_PER_FILE + 1}\n`);
    expect(out).toContain('... and 50 more in ');
  });

  it('shows a window of a very long line around the range, with the caret under it', () => {
    const line = `${'x'.repeat(5000)}@${'y'.repeat(5000)}`;
    const out = renderDiagnostics([error('invalid-character', 'bad', range(file, 1, 5001))], { cwd, sources: new Map([[file, line]]) });
    const [, code, marks] = out.split('\n');
    expect(code!.length).toBeLessThan(400);
    expect(code!.indexOf('@')).toBe(marks!.indexOf('^'));
  });
});

describe('summarizeDiagnostics', () => {
  it('counts errors and warnings with plurals', () => {
    const e = error('syntax', 'x', undefined);
    const w = warning('syntax', 'x', undefined);
    expect(summarizeDiagnostics([e, e], 'tomcat7-fluentd.hcl')).toBe('2 errors in tomcat7-fluentd.hcl');
    expect(summarizeDiagnostics([e, w], 't.hcl')).toBe('1 error and 1 warning in t.hcl');
    expect(summarizeDiagnostics([w, w], 't.hcl')).toBe('2 warnings in t.hcl');
    expect(summarizeDiagnostics([], 't.hcl')).toBeUndefined();
  });
});
