/** The human view of `bake inspect`, drawn from the same (already redacted) InspectDocument as --json. */
import { REDACTED, type VariableSource } from '../template/model.js';
import type { Value, ValueObject } from '../template/value.js';
import type { InspectDocument, InspectStep } from './inspect-document.js';
import { createStyle, type Style } from './style.js';

const MAX_VALUE = 72;

const fromLabel: Record<VariableSource, string> = {
  default: '',
  env: 'from the environment (PKR_VAR_* / BAKE_VAR_*)',
  'auto-var-file': 'from an *.auto.pkrvars.hcl file',
  'var-file': 'from --var-file',
  cli: 'from --var',
};

export function renderInspect(doc: InspectDocument, style: Style = createStyle(false)): string {
  const h = (s: string) => style.bold(s);
  const out: string[] = [`${h('Template:')} ${doc.files.join(', ')}`, ''];

  out.push(h('Variables:'));
  if (doc.variables.length === 0) out.push('  (none)');
  for (const v of doc.variables) {
    const traits = [v.type, ...(v.sensitive ? ['sensitive'] : [])].join(', ');
    const from = fromLabel[v.from];
    const value = v.sensitive ? REDACTED : show(v.value);
    out.push(`  ${v.name} (${traits}) = ${value}${from ? style.dim(`  ${from}`) : ''}`);
    if (v.description) out.push(`      ${style.dim(v.description)}`);
  }

  out.push('', h('Locals:'));
  out.push(...assignments(doc.locals, '  ', '(none)'));

  out.push('', h('Sources:'));
  if (doc.sources.length === 0) out.push('  (none)');
  for (const s of doc.sources) {
    out.push(`  ${style.cyan(s.ref)}`);
    out.push(...assignments(s.config, '    ', '(no settings)'));
  }

  out.push('', h('Builds:'));
  if (doc.builds.length === 0) out.push('  (none)');
  doc.builds.forEach((b, i) => {
    out.push(`  ${style.cyan(b.name ? `build "${b.name}"` : `build #${i + 1}`)}${b.description ? style.dim(`  ${b.description}`) : ''}`);
    out.push('    sources:');
    if (b.sources.length === 0) out.push('      (none)');
    for (const s of b.sources) out.push(`      ${s.ref}${s.name !== s.ref.split('.').slice(1).join('.') ? ` as ${s.name}` : ''}`);
    out.push('    provisioners:', ...steps(b.provisioners));
    out.push('    post-processors:', ...steps(b.postProcessors));
  });
  out.push('');
  return out.join('\n');
}

function steps(list: readonly InspectStep[]): string[] {
  if (list.length === 0) return ['      (none)'];
  return list.map((p, i) => {
    const extras = [
      ...(p.name ? [`"${p.name}"`] : []),
      ...(p.only ? [`only ${p.only.join(',')}`] : []),
      ...(p.except ? [`except ${p.except.join(',')}`] : []),
    ];
    return `      ${i + 1}. ${p.type}${extras.length > 0 ? `  ${extras.join('  ')}` : ''}`;
  });
}

function assignments(obj: ValueObject, indent: string, empty: string): string[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) return [`${indent}${empty}`];
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${indent}${k.padEnd(width)} = ${show(obj[k]!)}`);
}

/** Compact HCL-ish rendering of a value, cut to one readable line. */
function show(v: Value): string {
  const text = JSON.stringify(v) ?? 'null';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}
