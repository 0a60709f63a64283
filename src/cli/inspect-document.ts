/**
 * The data `bake inspect` shows, shaped from a resolved Template. `inspect --json` prints it as
 * is, so its shape is a contract: fields are only ever added, absent things are `null` (not
 * missing), object keys are sorted, and sensitive values are already replaced by `<sensitive>`.
 */
import type { Template, VariableSource } from '../template/model.js';
import { REDACTED } from '../template/model.js';
import type { Value, ValueObject } from '../template/value.js';
import { displayPath } from './resolve-template.js';

export const INSPECT_FORMAT_VERSION = 1;

export interface InspectVariable {
  name: string;
  /** The type constraint as written; `any` when none was given. */
  type: string;
  description: string | null;
  sensitive: boolean;
  value: Value;
  from: VariableSource;
}

export interface InspectSource {
  ref: string;
  type: string;
  name: string;
  config: ValueObject;
}

export interface InspectStep {
  type: string;
  name: string | null;
  only: string[] | null;
  except: string[] | null;
  config: ValueObject;
}

export interface InspectBuild {
  name: string | null;
  description: string | null;
  sources: Array<{ ref: string; name: string; config: ValueObject }>;
  provisioners: InspectStep[];
  postProcessors: InspectStep[];
}

export interface InspectDocument {
  formatVersion: typeof INSPECT_FORMAT_VERSION;
  files: string[];
  variables: InspectVariable[];
  locals: ValueObject;
  sources: InspectSource[];
  data: Array<{ type: string; name: string; config: ValueObject }>;
  builds: InspectBuild[];
}

export interface InspectOptions {
  /** File names are shown relative to this. */
  cwd: string;
  /** Applied to every string in the document, e.g. Redactor.redact, for values derived from secrets. */
  redact?: (s: string) => string;
}

export function toInspectDocument(template: Template, opts: InspectOptions): InspectDocument {
  const redact = opts.redact ?? ((s: string) => s);
  const clean = (v: Value): Value => normalize(v, redact);
  const cleanObject = (o: ValueObject): ValueObject => clean(o) as ValueObject;
  const step = (s: { type: string; name?: string; only?: string[]; except?: string[]; config: ValueObject }): InspectStep => ({
    type: s.type,
    name: s.name ?? null,
    only: s.only ?? null,
    except: s.except ?? null,
    config: cleanObject(s.config),
  });

  return {
    formatVersion: INSPECT_FORMAT_VERSION,
    files: template.files.map((f) => displayPath(f, opts.cwd)),
    variables: template.variables.map((v) => ({
      name: v.name,
      type: v.type ?? 'any',
      description: v.description ?? null,
      sensitive: v.sensitive,
      value: v.sensitive ? REDACTED : clean(v.value),
      from: v.from,
    })),
    locals: cleanObject(template.locals),
    sources: template.sources.map((s) => ({ ref: s.ref, type: s.type, name: s.name, config: cleanObject(s.config) })),
    data: template.data.map((d) => ({ type: d.type, name: d.name, config: cleanObject(d.config) })),
    builds: template.builds.map((b) => ({
      name: b.name ?? null,
      description: b.description ?? null,
      sources: b.sources.map((s) => ({ ref: s.ref, name: s.name, config: cleanObject(s.config) })),
      provisioners: b.provisioners.map(step),
      postProcessors: b.postProcessors.map(step),
    })),
  };
}

/** Sorted keys at every depth (a stable document whatever order the template used), strings redacted. */
function normalize(v: Value, redact: (s: string) => string): Value {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map((x) => normalize(x, redact));
  if (v !== null && typeof v === 'object') {
    const out: ValueObject = {};
    for (const key of Object.keys(v).sort()) out[key] = normalize(v[key]!, redact);
    return out;
  }
  return v;
}
