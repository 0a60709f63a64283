/**
 * Parses type constraint expressions (`list(string)`, `object({name=string, port=optional(number, 22)})`)
 * as HCL's typeexpr package does, with a did-you-mean for misspelt keywords.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { Expr, ObjectItem } from '../hcl/ast.js';
import { didYouMean } from '../suggest.js';
import type { Value } from '../value.js';
import { convert } from './convert.js';
import { objectFrom } from './ordering.js';
import { ANY, BOOL, NUMBER, STRING, typeString, type ObjectAttribute, type Type } from './type.js';


const PRIMITIVES: Record<string, Type> = { string: STRING, number: NUMBER, bool: BOOL, any: ANY };
const KEYWORDS = ['string', 'number', 'bool', 'any', 'list', 'set', 'map', 'object', 'tuple'];

/** Parses a type constraint expression; on error the type is `any` and diagnostics say why. */
export function parseType(expr: Expr): { type: Type; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const type = parseTypeExpr(expr, diagnostics, false);
  return { type: diagnostics.length > 0 ? ANY : type, diagnostics };
}

function invalidType(diags: Diagnostic[], expr: Expr, detail: string, hint?: string): Type {
  diags.push(error('invalid-value', 'Invalid type specification', expr.range, hint === undefined ? { detail } : { detail, hint }));
  return ANY;
}

function parseTypeExpr(expr: Expr, diags: Diagnostic[], inObject: boolean): Type {
  if (expr.kind === 'Paren') return parseTypeExpr(expr.expr, diags, inObject);
  if (expr.kind === 'Variable') {
    const prim = PRIMITIVES[expr.name];
    if (prim && Object.hasOwn(PRIMITIVES, expr.name)) return prim;
    if (expr.name === 'list' || expr.name === 'set' || expr.name === 'map') {
      return invalidType(diags, expr, `The ${expr.name} type constructor requires one argument specifying the element type.`, `Write ${expr.name}(string), or ${expr.name}(any) for any single element type.`);
    }
    if (expr.name === 'object' || expr.name === 'tuple') {
      return invalidType(diags, expr, `The ${expr.name} type constructor requires one argument specifying the ${expr.name === 'object' ? 'attribute types as an object' : 'element types as a list'}.`);
    }
    return invalidType(diags, expr, `The keyword "${expr.name}" is not a valid type specification.`, didYouMean(expr.name, KEYWORDS));
  }
  if (expr.kind === 'Template') {
    const text = expr.parts.length === 1 && expr.parts[0]!.kind === 'Text' ? expr.parts[0]!.value : undefined;
    return invalidType(
      diags,
      expr,
      'A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).',
      text !== undefined ? `Remove the quotes: type = ${text}` : undefined,
    );
  }
  if (expr.kind !== 'Call') {
    return invalidType(diags, expr, 'A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).');
  }
  const { name, args } = expr;
  switch (name) {
    case 'list':
    case 'set':
    case 'map': {
      if (args.length !== 1) return invalidType(diags, expr, `The ${name} type constructor requires one argument specifying the element type.`);
      return { kind: name, element: parseTypeExpr(args[0]!, diags, false) };
    }
    case 'tuple': {
      const arg = args[0];
      if (args.length !== 1 || arg?.kind !== 'Tuple') return invalidType(diags, expr, 'The tuple type constructor requires one argument specifying the element types as a list, like tuple([string, number]).');
      return { kind: 'tuple', elements: arg.items.map((e) => parseTypeExpr(e, diags, false)) };
    }
    case 'object': {
      const arg = args[0];
      if (args.length !== 1 || arg?.kind !== 'Object') return invalidType(diags, expr, 'The object type constructor requires one argument specifying the attribute types as an object, like object({name=string}).');
      const attributes: Record<string, ObjectAttribute> = {};
      for (const item of arg.items) {
        const key = attributeName(item);
        if (key === undefined) {
          invalidType(diags, item.key, 'Object type attribute names must be identifiers or quoted strings.');
          continue;
        }
        if (Object.hasOwn(attributes, key)) {
          invalidType(diags, item.key, `Attribute "${key}" is defined more than once in this object type.`);
          continue;
        }
        attributes[key] = parseAttribute(item.value, diags);
      }
      return { kind: 'object', attributes };
    }
    case 'optional':
      if (!inObject) return invalidType(diags, expr, 'Keyword "optional" is valid only as a modifier for object type attributes.');
      return ANY;
    default:
      return invalidType(diags, expr, `Keyword "${name}" is not a valid type constructor.`, didYouMean(name, KEYWORDS));
  }
}

function attributeName(item: ObjectItem): string | undefined {
  const k = item.key;
  if (k.kind === 'Variable') return k.name;
  if (k.kind === 'Template' && k.parts.every((p) => p.kind === 'Text')) return k.parts.map((p) => (p.kind === 'Text' ? p.value : '')).join('');
  return undefined;
}

function parseAttribute(expr: Expr, diags: Diagnostic[]): ObjectAttribute {
  if (expr.kind !== 'Call' || expr.name !== 'optional') return { type: parseTypeExpr(expr, diags, true), optional: false };
  if (expr.args.length < 1 || expr.args.length > 2) {
    invalidType(diags, expr, 'The optional modifier takes the attribute type and, optionally, a default value: optional(string, "x").');
    return { type: ANY, optional: true };
  }
  const type = parseTypeExpr(expr.args[0]!, diags, false);
  const attr: ObjectAttribute = { type, optional: true };
  const defExpr = expr.args[1];
  if (defExpr) {
    const value = constantValue(defExpr);
    if (value === undefined) {
      invalidType(diags, defExpr, 'The default value of an optional attribute must be a constant: no references or function calls.');
      return attr;
    }
    const c = convert(value, type);
    if (!c.ok) invalidType(diags, defExpr, `The default value does not match the attribute type ${typeString(type)}: ${c.message}.`);
    else attr.default = c.value;
  }
  return attr;
}

/** Literal values only; type expressions are evaluated without any scope, as in HCL's typeexpr. */
function constantValue(expr: Expr): Value | undefined {
  switch (expr.kind) {
    case 'Literal':
      return expr.value;
    case 'Paren':
      return constantValue(expr.expr);
    case 'Unary': {
      const v = constantValue(expr.operand);
      if (expr.op === '-' && typeof v === 'number') return -v;
      if (expr.op === '!' && typeof v === 'boolean') return !v;
      return undefined;
    }
    case 'Template':
      return expr.parts.every((p) => p.kind === 'Text') ? expr.parts.map((p) => (p.kind === 'Text' ? p.value : '')).join('') : undefined;
    case 'Tuple': {
      const items = expr.items.map(constantValue);
      return items.every((v) => v !== undefined) ? (items as Value[]) : undefined;
    }
    case 'Object': {
      const entries: [string, Value][] = [];
      for (const item of expr.items) {
        const k = attributeName(item);
        const v = constantValue(item.value);
        if (k === undefined || v === undefined) return undefined;
        entries.push([k, v]);
      }
      return objectFrom(entries);
    }
    default:
      return undefined;
  }
}
