import { describe, expect, it } from 'vitest';
import { isVersionConstraint } from '../../../src/template/blocks/packer.js';
import { errors, loaded, loadOne, only, show } from '../../_helpers/load.js';

describe('packer {} block', () => {
  it('records required_version and required_plugins', () => {
    const t = loaded(
      loadOne(`packer {
  required_version = ">= 1.7.0, < 2.0.0"
  required_plugins {
    qemu = {
      version = "~> 1.0"
      source  = "github.com/hashicorp/qemu"
    }
  }
}
`),
    );
    expect(t.requirements).toEqual({
      required_version: '>= 1.7.0, < 2.0.0',
      required_plugins: { qemu: { version: '~> 1.0', source: 'github.com/hashicorp/qemu' } },
    });
  });

  it('accepts version constraints as Packer writes them', () => {
    const ok = ['>= 1.7.0', '~> 1.9', '= v1.2.3-beta.1', '>=1.0,<=2', '!= 1.8.1', '1.9.0'];
    expect(ok.filter((c) => !isVersionConstraint(c))).toEqual([]);
  });

  it('rejects text that is not a version constraint', () => {
    const bad = ['', 'latest', '>= 1.x', '=> 1.0', '1.2.3.4', '>= 1.0,'];
    expect(bad.filter((c) => isVersionConstraint(c))).toEqual([]);
  });

  it('reports an invalid required_version at its value', () => {
    const d = only(loadOne(`packer {\n  required_version = "at least 1.7"\n}\n`), 'invalid-value');
    expect(show(d)).toBe('t.pkr.hcl:2: error invalid-value: Invalid required_version');
    expect(d.detail).toContain('got "at least 1.7"');
  });

  it('requires each plugin to be an object with a source and a valid version', () => {
    const r = loadOne(`packer {
  required_plugins {
    ok      = { source = "github.com/hashicorp/qemu", version = ">= 1.0" }
    bad_ver = { source = "github.com/hashicorp/qemu", version = "latest" }
    no_src  = { version = ">= 1.0" }
    string  = "github.com/hashicorp/qemu"
  }
}
`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:4: error invalid-value: Invalid required plugin "bad_ver"',
      't.pkr.hcl:5: error invalid-value: Invalid required plugin "no_src"',
      't.pkr.hcl:6: error invalid-value: Invalid required plugin "string"',
    ]);
  });

  it('rejects unknown arguments and a second required_plugins block', () => {
    const r = loadOne(`packer {\n  required_plugins {\n  }\n  required_plugins {\n  }\n  required_versoin = "1.0"\n}\n`);
    expect(errors(r).map((d) => [show(d), d.hint])).toEqual([
      ['t.pkr.hcl:4: error duplicate-block: Duplicate required_plugins block in packer', undefined],
      ['t.pkr.hcl:6: error unknown-attribute: Unsupported argument "required_versoin" in packer', 'Did you mean "required_version"?'],
    ]);
  });
});
