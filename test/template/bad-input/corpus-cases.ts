/**
 * What `bake validate` must report for each file of corpus/: every error, by code and start
 * position, with a key phrase of its summary and, for typos, the did-you-mean. corpus.test.ts
 * checks them.
 */
import type { DiagnosticCode } from '../../../src/template/diagnostics.js';
import type { LoadInputs } from './_diagnostics.js';

export interface Expected {
  code: DiagnosticCode;
  /** `LINE:COLUMN` in the case's file, or `FILE:LINE:COLUMN` in another one. */
  at: string;
  /** A phrase the summary contains. */
  says: string;
  /** A phrase the hint contains, e.g. a did-you-mean. */
  hint?: string;
  /** A phrase the detail contains. */
  detail?: string;
}

export interface Case {
  /** A file or directory in corpus/. */
  target: string;
  name: string;
  inputs?: LoadInputs;
  /** Every error, in the order reported; an empty list means the template is valid. */
  errors: Expected[];
}

const err = (at: string, code: DiagnosticCode, says: string, extra: Pick<Expected, 'hint' | 'detail'> = {}): Expected => ({ code, at, says, ...extra });

export const cases: Case[] = [
  {
    target: 'unterminated-string.hcl',
    name: 'a string without its closing quote, at the quote, and the next line still parses',
    errors: [err('4:17', 'unterminated-string', 'Unterminated string')],
  },
  {
    target: 'missing-closing-brace.hcl',
    name: 'a block without its closing brace, at its opening brace, and the next top-level block read as one',
    errors: [err('6:24', 'unclosed-brace', 'Missing closing brace for block "source"', { detail: 'line 10' })],
  },
  {
    target: 'unterminated-heredoc.hcl',
    name: 'a heredoc closed by a misspelled marker: one error, naming the line that holds it',
    errors: [err('10:15', 'unterminated-heredoc', 'no closing "EOT" line', { detail: 'line 13', hint: 'EOF' })],
  },
  {
    target: 'unterminated-interpolation.hcl',
    name: 'a ${ without its }, at the ${, and the string still ends at its closing quote',
    errors: [err('16:41', 'unterminated-template', 'Unclosed template interpolation', { detail: 'line 16, column 61' })],
  },
  {
    target: 'stray-closing-brace.hcl',
    name: 'a closing brace with no open block',
    errors: [err('5:1', 'unexpected-token', 'Unexpected "}"')],
  },
  {
    target: 'unknown-top-level-block.hcl',
    name: 'a misspelled top-level block type, with a did-you-mean',
    errors: [err('1:1', 'unknown-block', 'Unsupported block type "variabel"', { hint: 'Did you mean "variable"?' })],
  },
  {
    target: 'unknown-source-attribute.hcl',
    name: 'misspelled arguments of a source, each with a did-you-mean',
    errors: [
      err('4:3', 'unknown-attribute', 'Unsupported argument "memroy"', { hint: 'Did you mean "memory"?' }),
      err('5:3', 'unknown-attribute', 'Unsupported argument "cpu"', { hint: 'Did you mean "cpus"?' }),
    ],
  },
  {
    target: 'unknown-provisioner-attribute.hcl',
    name: 'misspelled arguments of provisioners, with did-you-means, and the required one they leave unset',
    errors: [
      err('10:5', 'unknown-attribute', 'Unsupported argument "enviroment_vars"', { hint: 'Did you mean "environment_vars"?' }),
      err('13:3', 'missing-attribute', 'Missing required argument "destination"'),
      err('15:5', 'unknown-attribute', 'Unsupported argument "destinaton"', { hint: 'Did you mean "destination"?' }),
    ],
  },
  {
    target: 'duplicate-source.hcl',
    name: 'a source declared twice, at the second one, naming the first',
    errors: [err('5:1', 'duplicate-block', 'Duplicate source "qemu" "base"', { detail: 'already declared at line 1' })],
  },
  {
    target: 'duplicate-attribute.hcl',
    name: 'an argument set twice, at the second one, naming the first line',
    errors: [err('5:3', 'duplicate-attribute', 'Duplicate attribute "memory"', { detail: 'line 3' })],
  },
  {
    target: 'cyclic-locals.hcl',
    name: 'locals that refer to each other in a cycle, once, naming the whole cycle',
    errors: [err('2:3', 'cycle', 'local.image_name → local.prefix → local.base → local.image_name')],
  },
  {
    target: 'string-for-number.hcl',
    name: 'a string where a number is required (a numeric string converts)',
    errors: [err('3:12', 'type-mismatch', 'Invalid value for "cpus"', { detail: 'number is required' })],
  },
  {
    target: 'list-for-string.hcl',
    name: 'a list where a string is required, in a source and a provisioner',
    errors: [
      err('2:16', 'type-mismatch', 'Invalid value for "parent"', { detail: 'string is required' }),
      err('10:14', 'type-mismatch', 'Invalid value for "script"', { detail: 'string is required' }),
    ],
  },
  {
    target: 'variable-validation.hcl',
    name: 'a valid template: its default passes the validation',
    errors: [],
  },
  {
    target: 'variable-validation.hcl',
    name: 'a --var value that fails the validation, at the condition, with the error message',
    inputs: { vars: ['suite=buster'] },
    errors: [err('6:21', 'variable-validation', 'Invalid value for variable "suite"', { detail: 'bookworm or trixie' })],
  },
  {
    target: 'variable-validation.hcl',
    name: 'a var-file value that fails the validation, at the value in the var file',
    inputs: { varFiles: ['variable-validation.pkrvars.hcl'] },
    errors: [err('variable-validation.pkrvars.hcl:2:9', 'variable-validation', 'Invalid value for variable "suite"', { detail: 'bookworm or trixie' })],
  },
  {
    target: 'invalid-escape.hcl',
    name: 'an invalid escape, at the backslash, while the valid ones pass',
    errors: [err('4:58', 'invalid-escape', 'Invalid escape sequence', { hint: '\\\\' })],
  },
  {
    target: 'json-as-hcl.hcl',
    name: 'a JSON template fed as HCL: one error, not one per JSON line',
    errors: [err('1:1', 'json-as-hcl', 'looks like JSON')],
  },
  {
    target: 'unknown-function.hcl',
    name: 'misspelled functions, each with a did-you-mean',
    errors: [
      err('2:34', 'unknown-function', 'Call to unknown function', { hint: 'Did you mean "timestamp"?' }),
      err('3:11', 'unknown-function', 'Call to unknown function', { hint: 'Did you mean "lower"?' }),
    ],
  },
  {
    target: 'unknown-variable.hcl',
    name: 'a misspelled variable and a misspelled local, each with a did-you-mean',
    errors: [
      err('8:21', 'unknown-variable', 'no variable named "app_verison"', { hint: 'Did you mean "app_version"?' }),
      err('13:22', 'unknown-local', 'no local named "imge"', { hint: 'Did you mean "image"?' }),
    ],
  },
  {
    target: 'unknown-source-reference.hcl',
    name: 'an unknown source in sources = [...], at its own line',
    errors: [err('8:5', 'unknown-source', 'Unknown source "source.qemu.webap"', { hint: 'Did you mean "source.qemu.webapp"?' })],
  },
  {
    target: 'unset-required-variable.hcl',
    name: 'a required variable given no value, at its declaration',
    errors: [err('6:1', 'unset-variable', 'Unset variable "suite"', { hint: '--var suite=' })],
  },
  {
    target: 'unset-required-variable.hcl',
    name: 'a valid template once the required variable is given',
    inputs: { vars: ['suite=bookworm'] },
    errors: [],
  },
  {
    target: 'unsupported-source-type.hcl',
    name: 'a source type bake lacks: "not supported yet", once, not again at the build',
    errors: [err('1:8', 'not-supported-yet', 'not supported yet')],
  },
  {
    target: 'unknown-provisioner-type.hcl',
    name: 'a misspelled provisioner type, with a did-you-mean',
    errors: [err('8:15', 'unknown-provisioner', 'Unknown provisioner type "shel"', { hint: 'Did you mean "shell"?' })],
  },
  {
    target: 'several-errors.hcl',
    name: 'five unrelated errors in one file: all of them, in file order',
    errors: [
      err('9:3', 'unknown-attribute', 'Unsupported argument "memroy"', { hint: 'Did you mean "memory"?' }),
      err('10:16', 'type-mismatch', 'Invalid value for "cpus"'),
      err('14:36', 'unknown-source', 'Unknown source "source.qemu.db"'),
      err('16:15', 'unknown-provisioner', 'Unknown provisioner type "shel"', { hint: 'Did you mean "shell"?' }),
      err('20:3', 'missing-attribute', 'Missing required argument "destination"'),
    ],
  },
  {
    target: 'two-files',
    name: 'errors spread over the two files of a directory template, each in its own file',
    errors: [
      err('build.pkr.hcl:5:3', 'unknown-attribute', 'Unsupported argument "cpu"', { hint: 'Did you mean "cpus"?' }),
      err('build.pkr.hcl:12:27', 'unknown-variable', 'no variable named "app_verison"', { hint: 'Did you mean "app_version"?' }),
      err('variables.pkr.hcl:4:3', 'unknown-attribute', 'Unsupported argument "descripton"', { hint: 'Did you mean "description"?' }),
    ],
  },
  {
    target: 'latin1-description.hcl',
    name: 'a Latin-1 byte in a UTF-8 template: an encoding error at its line and column, not a silent U+FFFD',
    errors: [err('3:21', 'invalid-character', 'not valid UTF-8', { detail: 'Byte 0xE9' })],
  },
  {
    target: 'empty.hcl',
    name: 'an empty file: valid, as in Packer',
    errors: [],
  },
  {
    target: 'only-comments.hcl',
    name: 'a file of comments only: valid, as in Packer',
    errors: [],
  },
];

/**
 * Corpus files whose exact diagnostics wait for an engine fix; until then they get only the
 * checks every file gets (ranges inside the file, CRLF, a CLI run without a stack trace).
 */
export const awaitingFix: Record<string, string> = {};
