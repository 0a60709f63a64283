/**
 * HCL type constraints: the Type model and its display (type.ts), cty's conversions (convert.ts)
 * and parsing of type expressions (type-expr.ts). Import from here.
 */
export { ANY, BOOL, friendlyName, listOf, mapOf, NUMBER, setOf, STRING, typeString, type ObjectAttribute, type Type } from './type.js';
export { convert, unify, type ConvertResult } from './convert.js';
export { parseType } from './type-expr.js';
