/** Hand-built template pieces for tests of code that consumes a resolved Template. */
import type { Range } from '../../src/template/diagnostics.js';
import type { Build, Provisioner, Source, Template, Variable } from '../../src/template/model.js';

/**
 * A range from line:column to endLine:endColumn (1-based, end exclusive). Offsets are made up,
 * but ordered like the positions, which is all that sorting needs.
 */
export function range(filename: string, line: number, column: number, endColumn = column + 1, endLine = line): Range {
  return {
    filename,
    start: { line, column, offset: line * 10_000 + column },
    end: { line: endLine, column: endColumn, offset: endLine * 10_000 + endColumn },
  };
}

export function variable(name: string, fields: Partial<Variable> = {}): Variable {
  return { name, sensitive: false, value: null, from: 'default', range: range('t.pkr.hcl', 1, 1), ...fields };
}

export function source(type: string, name: string, config: Source['config'] = {}): Source {
  return { type, name, ref: `${type}.${name}`, config, range: range('t.pkr.hcl', 1, 1) };
}

export function provisioner(type: string, fields: Partial<Provisioner> = {}): Provisioner {
  return { type, config: {}, range: range('t.pkr.hcl', 1, 1), ...fields };
}

export function build(sources: Source[], fields: Partial<Build> = {}): Build {
  const provisioners = fields.provisioners ?? [];
  const postProcessors = fields.postProcessors ?? [];
  return {
    sources: sources.map((s) => ({ ref: s.ref, name: s.name, source: s, config: s.config, provisioners, postProcessors, range: s.range })),
    provisioners,
    postProcessors,
    range: range('t.pkr.hcl', 1, 1),
    ...fields,
  };
}

export function template(fields: Partial<Template> = {}): Template {
  return { files: ['/srv/bake/t.pkr.hcl'], root: '/srv/bake', variables: [], locals: {}, sources: [], data: [], builds: [], requirements: {}, ...fields };
}
