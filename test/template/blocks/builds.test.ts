import { describe, expect, it } from 'vitest';
import type { Build } from '../../../src/template/model.js';
import { at, errors, loaded, loadInline, loadOne, only, show } from '../../_helpers/load.js';

const SOURCES = `source "qemu" "base" {
  parent = "os"
  cpus   = 2
}
source "qemu" "app" {
  parent = "base"
}
`; // 7 lines: builds below start at line 8

function builds(text: string): Build[] {
  return loaded(loadOne(SOURCES + text)).builds;
}

describe('build sources', () => {
  it('uses the sources listed in `sources`, in order', () => {
    const [b] = builds(`build {\n  name    = "all"\n  sources = ["source.qemu.app", "source.qemu.base"]\n}\n`);
    expect(b!.name).toBe('all');
    expect(b!.sources.map((s) => [s.ref, s.name, s.config])).toEqual([
      ['qemu.app', 'app', { parent: 'base' }],
      ['qemu.base', 'base', { parent: 'os', cpus: 2 }],
    ]);
  });

  it('accepts the unquoted traversal form sources = [source.qemu.base], reporting unknown ones at their line', () => {
    const [b] = builds(`build {\n  sources = [source.qemu.base, source.qemu.app]\n}\n`);
    expect(b!.sources.map((s) => s.ref)).toEqual(['qemu.base', 'qemu.app']);
    expect(at(only(loadOne(`${SOURCES}build {\n  sources = [source.qemu.nope]\n}\n`), 'unknown-source'))).toBe('t.pkr.hcl:9');
  });

  it('reports an unknown source at its own line in the list, with a did-you-mean', () => {
    const r = loadOne(`${SOURCES}build {\n  sources = [\n    "source.qemu.base",\n    "source.qemu.ap",\n  ]\n}\n`);
    const d = only(r, 'unknown-source');
    expect(show(d)).toBe('t.pkr.hcl:11: error unknown-source: Unknown source "source.qemu.ap"');
    expect(d.hint).toBe('Did you mean "source.qemu.app"?');
    expect(d.detail).toBe('Declared sources: source.qemu.base, source.qemu.app.');
    expect(only(loadOne(`${SOURCES}build {\n  sources = ["qemu.app"]\n}\n`), 'invalid-reference').hint).toBe('Write "source.qemu.app".');
  });

  it('rejects a build with no sources at the build block, or at an empty list', () => {
    expect(show(only(loadOne(`${SOURCES}build {\n  provisioner "shell" {\n    inline = ["true"]\n  }\n}\n`), 'missing-attribute'))).toBe(
      't.pkr.hcl:8: error missing-attribute: A build needs at least one source',
    );
    expect(at(only(loadOne(`${SOURCES}build {\n  sources = []\n}\n`), 'missing-attribute'))).toBe('t.pkr.hcl:9');
  });

  it('takes the source list from a variable, and does not call a build sourceless when that variable failed', () => {
    const [b] = builds(`variable "srcs" {\n  default = ["source.qemu.app"]\n}\nbuild {\n  sources = var.srcs\n}\n`);
    expect(b!.sources.map((s) => s.ref)).toEqual(['qemu.app']);
    const r = loadOne(`${SOURCES}variable "srcs" {\n  type = list(string)\n}\nbuild {\n  sources = var.srcs\n}\n`);
    expect(errors(r).map((d) => d.code)).toEqual(['unset-variable']);
  });
});

describe('nested source blocks', () => {
  it('applies overrides and a build-local name, leaving the declared source unchanged', () => {
    const t = loaded(loadOne(`${SOURCES}build {\n  source "source.qemu.base" {\n    name = "big"\n    cpus = 4\n  }\n  source "source.qemu.base" {\n    memory = 2048\n  }\n}\n`));
    expect(t.builds[0]!.sources.map((s) => [s.ref, s.name, s.config])).toEqual([
      ['qemu.base', 'big', { parent: 'os', cpus: 4 }],
      ['qemu.base', 'base', { parent: 'os', cpus: 2, memory: 2048 }],
    ]);
    expect(t.sources[0]!.config).toEqual({ parent: 'os', cpus: 2 });
  });

  it('lets builds complete a partial source, as Packer does', () => {
    const t = loaded(loadOne(`source "qemu" "layer" {\n  cpus = 2\n}\nbuild {\n  source "source.qemu.layer" {\n    parent = "os"\n  }\n}\n`));
    expect(t.builds[0]!.sources[0]!.config).toEqual({ cpus: 2, parent: 'os' });
  });

  it('points errors in an override at the build file and line, and errors in the source at its own', () => {
    const r = loadInline({
      'sources.pkr.hcl': `source "qemu" "x" {\n  parent      = "p"\n  accelerator = "tgc"\n}\n`,
      'build.pkr.hcl': `build {\n  source "source.qemu.x" {\n    name = "n"\n    cpus = "lots"\n  }\n}\n`,
    });
    expect(errors(r).map((d) => `${at(d)} ${d.summary}`)).toEqual(['build.pkr.hcl:4 Invalid value for "cpus"', 'sources.pkr.hcl:3 Invalid value for "accelerator"']);
  });

  it('reports an unknown argument in an override with did-you-mean, and an unknown nested reference at its label', () => {
    const d = only(loadOne(`${SOURCES}build {\n  source "source.qemu.base" {\n    cpu = 4\n  }\n}\n`), 'unknown-attribute');
    expect(at(d)).toBe('t.pkr.hcl:10');
    expect(d.hint).toBe('Did you mean "cpus"?');
    expect(at(only(loadOne(`${SOURCES}build {\n  source "source.qemu.nope" {\n  }\n}\n`), 'unknown-source'))).toBe('t.pkr.hcl:9');
  });

  it('rejects the same source used twice under one name', () => {
    const d = only(loadOne(`${SOURCES}build {\n  sources = ["source.qemu.base"]\n  source "source.qemu.base" {\n    cpus = 4\n  }\n}\n`), 'duplicate-block');
    expect(show(d)).toBe('t.pkr.hcl:10: error duplicate-block: Source qemu.base is used twice in this build');
  });
});

describe('provisioners', () => {
  it('keep their declared order across types', () => {
    const [b] = builds(`build {
  sources = ["source.qemu.base"]
  provisioner "shell" {
    inline = ["echo one"]
  }
  provisioner "file" {
    content     = "two"
    destination = "/tmp/two"
  }
  provisioner "shell" {
    script = "three.sh"
  }
}
`);
    const expected = [
      ['shell', { inline: ['echo one'] }],
      ['file', { content: 'two', destination: '/tmp/two' }],
      ['shell', { script: 'three.sh' }],
    ];
    expect(b!.provisioners.map((p) => [p.type, p.config])).toEqual(expected);
    expect(b!.sources[0]!.provisioners.map((p) => [p.type, p.config])).toEqual(expected);
  });

  it('see source.name and source.type of each build source', () => {
    const [b] = builds(`build {
  sources = ["source.qemu.app"]
  source "source.qemu.base" {
    name = "big"
  }
  provisioner "shell" {
    inline = ["echo \${source.type}.\${source.name}"]
  }
}
`);
    expect(b!.sources.map((s) => s.provisioners[0]!.config.inline)).toEqual([['echo qemu.app'], ['echo qemu.big']]);
  });

  it('apply per build source according to only and except, by build-local name', () => {
    const [b] = builds(`build {
  sources = ["source.qemu.app"]
  source "source.qemu.base" {
    name = "big"
  }
  provisioner "shell" {
    only   = ["qemu.big"]
    inline = ["only big"]
  }
  provisioner "shell" {
    except = ["source.qemu.big"]
    inline = ["not big"]
  }
}
`);
    expect(b!.sources.map((s) => [s.name, s.provisioners.map((p) => p.config.inline)])).toEqual([
      ['app', [['not big']]],
      ['big', [['only big']]],
    ]);
    expect(b!.provisioners.map((p) => [p.only, p.except])).toEqual([
      [['qemu.big'], undefined],
      [undefined, ['source.qemu.big']],
    ]);
  });

  it('reject only/except names that are not sources of the build, at the argument, with did-you-mean', () => {
    const r = loadOne(`${SOURCES}build {\n  sources = ["source.qemu.base"]\n  provisioner "shell" {\n    inline = ["x"]\n    only   = ["qemu.bsae"]\n  }\n}\n`);
    const d = only(r, 'unknown-source');
    expect(show(d)).toBe('t.pkr.hcl:12: error unknown-source: "qemu.bsae" names no source of this build');
    expect(d.hint).toBe('Did you mean "qemu.base"?');
  });

  it('know a renamed source by its build-local name only, as Packer does', () => {
    const r = loadOne(`${SOURCES}build {\n  source "source.qemu.base" {\n    name = "big"\n  }\n  provisioner "shell" {\n    inline = ["x"]\n    only   = ["qemu.base"]\n  }\n}\n`);
    expect(only(r, 'unknown-source').hint).toBe('Did you mean "qemu.big"?');
  });

  it('reject setting both only and except', () => {
    const r = loadOne(`${SOURCES}build {\n  sources = ["source.qemu.base"]\n  provisioner "shell" {\n    inline = ["x"]\n    only   = ["qemu.base"]\n    except = ["qemu.base"]\n  }\n}\n`);
    expect(show(only(r, 'invalid-value'))).toBe('t.pkr.hcl:13: error invalid-value: Only one of "only" or "except" may be set');
  });

  it('report a config error once even when several build sources share the provisioner', () => {
    const r = loadOne(`${SOURCES}build {\n  sources = ["source.qemu.base", "source.qemu.app"]\n  provisioner "shell" {\n    inline = ["a"]\n    script = "b.sh"\n  }\n}\n`);
    expect(errors(r).map(show)).toEqual(['t.pkr.hcl:12: error invalid-value: Only one of "inline", "script" or "scripts" may be set, got "inline" and "script"']);
  });

  it('suggest a known type for a misspelt one and call Packer-only types not supported yet', () => {
    const r = loadOne(`${SOURCES}build {\n  sources = ["source.qemu.base"]\n  provisioner "shel" {\n  }\n  provisioner "ansible" {\n  }\n}\n`);
    expect(errors(r).map((d) => [show(d), d.hint])).toEqual([
      ['t.pkr.hcl:10: error unknown-provisioner: Unknown provisioner type "shel"', 'Did you mean "shell"?'],
      ['t.pkr.hcl:12: error not-supported-yet: The provisioner type "ansible" is not supported yet', undefined],
    ]);
  });

  it('accept the common provisioner arguments (name, pause_before, max_retries, timeout)', () => {
    const [b] = builds(`build {\n  sources = ["source.qemu.base"]\n  provisioner "shell" {\n    name         = "setup"\n    inline       = ["x"]\n    pause_before = 10\n    max_retries  = "2"\n    timeout      = "5m"\n  }\n}\n`);
    expect(b!.provisioners[0]).toMatchObject({ name: 'setup', config: { inline: ['x'], pause_before: '10s', max_retries: 2, timeout: '5m' } });
  });
});

describe('post-processors and error-cleanup-provisioner', () => {
  it('decode post-processor blocks and post-processors {} chains in declared order', () => {
    const [b] = builds(`build {
  sources = ["source.qemu.base"]
  post-processor "manifest" {
    output = "a.json"
  }
  post-processors {
    post-processor "manifest" {
      output = "b.json"
    }
    post-processor "manifest" {
      output     = "c.json"
      strip_path = true
    }
  }
}
`);
    const expected = [{ output: 'a.json' }, { output: 'b.json' }, { output: 'c.json', strip_path: true }];
    expect(b!.postProcessors.map((p) => p.config)).toEqual(expected);
    expect(b!.sources[0]!.postProcessors.map((p) => p.config)).toEqual(expected);
  });

  it('apply only/except to post-processors too', () => {
    const [b] = builds(`build {\n  sources = ["source.qemu.base", "source.qemu.app"]\n  post-processor "manifest" {\n    only = ["qemu.app"]\n  }\n}\n`);
    expect(b!.sources.map((s) => s.postProcessors.length)).toEqual([0, 1]);
  });

  it('decode an error-cleanup-provisioner, which is not one of the provisioners', () => {
    const [b] = builds(`build {\n  sources = ["source.qemu.base"]\n  error-cleanup-provisioner "shell" {\n    inline = ["rm -rf /tmp/work"]\n  }\n}\n`);
    expect(b!.errorCleanupProvisioner).toMatchObject({ type: 'shell', config: { inline: ['rm -rf /tmp/work'] } });
    expect(b!.provisioners).toEqual([]);
  });
});
