/**
 * The function table of the template language: every function a template can call, by name.
 * The evaluator takes a table in its scope, so an embedder can add or remove functions; this is
 * the default, Packer's set less the cloud lookups (vault, consul_key, aws_secretsmanager).
 */
import { collectionFunctions } from './collections.js';
import { conversionFunctions } from './conversion.js';
import { cryptoFunctions } from './crypto.js';
import { datetimeFunctions } from './datetime.js';
import { encodingFunctions } from './encoding.js';
import { environmentFunctions } from './environment.js';
import { fallbackFunctions } from './fallbacks.js';
import { filesystemFunctions } from './filesystem.js';
import { formatFunctions } from './format.js';
import type { FunctionTable } from './function.js';
import { numericFunctions } from './numeric.js';
import { regexFunctions } from './regex.js';
import { setFunctions } from './sets.js';
import { stringFunctions } from './strings.js';
import { makeTemplatefile } from './templatefile.js';

export const functions: FunctionTable = Object.freeze({
  ...stringFunctions,
  ...regexFunctions,
  ...formatFunctions,
  ...collectionFunctions,
  ...setFunctions,
  ...conversionFunctions,
  ...numericFunctions,
  ...encodingFunctions,
  ...cryptoFunctions,
  ...datetimeFunctions,
  ...filesystemFunctions,
  ...environmentFunctions,
  ...fallbackFunctions,
  templatefile: makeTemplatefile(() => functions),
});
