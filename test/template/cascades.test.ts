/**
 * One mistake, one error: a value that failed (unset, mistyped, unparsable) is not reported again
 * at every place that uses it, and rules that look at several arguments do not fire on a config
 * that is only incomplete because something upstream failed.
 */
import { describe, expect, it } from 'vitest';
import { errors, loadInline, loadOne, show } from '../_helpers/load.js';

const SOURCE = `source "qemu" "app" {\n  parent = "os-base"\n}\n`;
const build = (provisioner: string) => `build {\n  sources = ["source.qemu.app"]\n  ${provisioner}\n}\n`;

describe('a failed value is reported once', () => {
  it('does not fire the shell provisioner rule when inline uses an unset variable', () => {
    const r = loadOne(`variable "greeting" {\n  type = string\n}\n${SOURCE}${build('provisioner "shell" {\n    inline = ["echo ${var.greeting}"]\n  }')}`);
    expect(errors(r).map(show)).toEqual(['t.pkr.hcl:1: error unset-variable: Unset variable "greeting"']);
  });

  it('does not fire the file provisioner rule when source uses a local that failed', () => {
    const r = loadOne(`locals {\n  dir = lenght("x")\n}\n${SOURCE}${build('provisioner "file" {\n    source      = local.dir\n    destination = "/tmp/x"\n  }')}`);
    expect(errors(r).map((d) => d.code)).toEqual(['unknown-function']);
  });

  it('treats a default of the wrong type as failed, so its uses are not reported again', () => {
    const r = loadOne(`variable "memory" {\n  type    = number\n  default = "2G"\n}\nsource "qemu" "app" {\n  parent = "os-base"\n  memory = var.memory\n}\n${build('')}`);
    expect(errors(r).map(show)).toEqual(['t.pkr.hcl:3: error type-mismatch: Invalid default value for variable "memory"']);
  });

  it('reports only the syntax error of a default that does not parse, not its uses', () => {
    const r = loadOne(`variable "v" {\n  default = "a\\qb"\n}\nlocals {\n  x = "\${var.v}-y"\n}\n${SOURCE}${build('')}`);
    expect(errors(r).map((d) => d.code)).toEqual(['invalid-escape']);
  });

  it('reports only the syntax error in a validation condition, not a non-boolean condition', () => {
    const r = loadOne(`variable "v" {\n  default = "1.2.3"\n  validation {\n    condition     = can(regex("^\\d+$", var.v))\n    error_message = "x"\n  }\n}\n${SOURCE}${build('')}`);
    expect(errors(r).map((d) => d.code)).toEqual(['invalid-escape']);
  });

  it('reports only the syntax error of a var file value, not the validation that would see null', () => {
    const r = loadInline(
      {
        't.pkr.hcl': `variable "name" {\n  type = string\n  validation {\n    condition     = length(var.name) > 2\n    error_message = "too short"\n  }\n}\n${SOURCE}${build('')}`,
        'v.pkrvars.hcl': 'name = "abc\n',
      },
      { path: 't.pkr.hcl', varFiles: ['v.pkrvars.hcl'] },
    );
    expect(errors(r).map(show)).toEqual(['v.pkrvars.hcl:1: error unterminated-string: Unterminated string']);
  });

  it('still suggests a local by name when that local itself failed', () => {
    const r = loadOne(`locals {\n  image = "webapp-\${var.app_version}"\n}\nsource "qemu" "app" {\n  parent     = "os-base"\n  image_name = local.imge\n}\n${build('')}`);
    const typo = errors(r).find((d) => d.code === 'unknown-local');
    expect(typo?.hint).toBe('Did you mean "image"?');
  });
});
