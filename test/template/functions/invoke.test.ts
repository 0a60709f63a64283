import { describe, expect, it } from 'vitest';
import { signature } from '../../../src/template/functions/function.js';
import { functions } from '../../../src/template/functions/registry.js';
import { invokeNamed } from './_context.js';

describe('generic argument checking', () => {
  it('reports a missing argument by parameter name', () => {
    const r = invokeNamed('substr', ['abc', 1]);
    expect(r).toMatchObject({ ok: false, summary: 'Not enough function arguments', detail: 'Function "substr" expects 3 argument(s). Missing value for "length".' });
  });

  it('reports surplus arguments and points at the first one', () => {
    const r = invokeNamed('upper', ['a', 'b']);
    expect(r).toMatchObject({ ok: false, summary: 'Too many function arguments', argIndex: 1, detail: 'Function "upper" expects only 1 argument(s).' });
  });

  it('rejects null unless the parameter allows it', () => {
    expect(invokeNamed('upper', [null])).toMatchObject({ ok: false, argIndex: 0, detail: 'Invalid value for "str" parameter: argument must not be null.' });
    expect(invokeNamed('jsonencode', [null])).toEqual({ ok: true, value: 'null' });
  });

  it('names the parameter and the types when an argument does not convert', () => {
    expect(invokeNamed('upper', [[1]])).toMatchObject({ ok: false, summary: 'Invalid function argument', detail: 'Invalid value for "str" parameter: string required, got tuple.' });
  });

  it('shows the path inside a collection argument that does not convert', () => {
    expect(invokeNamed('join', [',', ['a', ['b']]])).toMatchObject({ detail: 'Invalid value for "lists" parameter: [1]: string required, got tuple.' });
  });

  it('turns an unexpected exception inside a function into a failure, not a crash', () => {
    const r = invokeNamed('file', ['x'], {
      ...(undefined as never as object),
      baseDir: '/',
      fs: {
        readFile: () => 'x',
        exists: () => {
          throw new TypeError('boom');
        },
      },
      now: () => new Date(0),
      uuid: () => '',
    });
    expect(r).toMatchObject({ ok: false, summary: 'Error in function call', detail: 'Call to function "file" failed unexpectedly: boom.' });
  });
});

describe('the function table', () => {
  it('has a description and well-formed signature for every function', () => {
    for (const [name, def] of Object.entries(functions)) {
      expect(def.description, name).toMatch(/\S/);
      for (const p of def.params) expect(p.name, name).toMatch(/^[a-z_]+$/i);
    }
  });

  it('includes the functions Packer templates commonly use', () => {
    const expected =
      'timestamp formatdate lower upper title replace regex_replace regex regexall can try join split format formatlist concat merge lookup length element contains coalesce coalescelist trimspace trim trimprefix trimsuffix substr chomp indent abspath basename dirname pathexpand file fileexists templatefile jsonencode jsondecode sha256 sha1 sha512 md5 base64encode base64decode uuidv4 env keys values distinct flatten reverse slice sort range zipmap tostring tonumber tobool tolist tomap toset min max abs ceil floor startswith endswith strrev';
    for (const name of expected.split(' ')) expect(Object.hasOwn(functions, name), name).toBe(true);
  });
});

describe('signature', () => {
  it('shows parameters with their types, variadic ones with ...', () => {
    expect(signature('substr', functions.substr!)).toBe('substr(str string, offset number, length number)');
    expect(signature('join', functions.join!)).toBe('join(separator string, lists... list(string))');
  });
});
