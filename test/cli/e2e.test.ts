/**
 * The real ./bin/bake, run as a child process against the real template engine: what a user sees.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testdir } from '../_helpers/cli.js';

const SECRET = 'S3cr3t-e2e-value';

/** A small layer on a parent image, with provisioners shell, file, shell. */
const appTemplate = `variable "app_version" {
  type        = string
  default     = "1.0"
  description = "Version to install"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "changeme-default"
}

source "qemu" "app" {
  parent     = "os-base"
  image_name = "app"
  memory     = 1024
}

build {
  name    = "app"
  sources = ["source.qemu.app"]

  provisioner "shell" {
    inline = ["echo installing \${var.app_version}"]
  }

  provisioner "file" {
    content     = "password=\${var.db_password}"
    destination = "/etc/app.conf"
  }

  provisioner "shell" {
    inline = ["systemctl restart app"]
  }
}
`;

describe('bake validate', () => {
  it('accepts a valid template', async () => {
    const cwd = testdir({ 'app.pkr.hcl': appTemplate });
    const r = await runCli(['validate', 'app.pkr.hcl'], { cwd });
    expect(r).toEqual({ code: 0, stdout: 'app.pkr.hcl: the configuration is valid.\n', stderr: '' });
  });

  it('finds the template under templates/ of the working directory', async () => {
    const cwd = testdir({ 'templates/app.pkr.hcl': appTemplate });
    const r = await runCli(['validate', 'app.pkr.hcl'], { cwd });
    expect(r.stdout).toBe('templates/app.pkr.hcl: the configuration is valid.\n');
    expect(r.code).toBe(0);
  });

  it('reports an error as FILE:LINE:COL with the source line, a caret and a count, and exits 1', async () => {
    const broken = appTemplate.replace('  memory     = 1024\n', '  memory     = 1024\n  mem_size   = 2048\n');
    const line = broken.split('\n').indexOf('  mem_size   = 2048') + 1;
    const cwd = testdir({ 'app.pkr.hcl': broken });
    const r = await runCli(['validate', 'app.pkr.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^app\\.pkr\\.hcl:${line}:3: error: .*mem_size`, 'm'));
    expect(r.stderr).toContain(`  ${line} |   mem_size   = 2048\n     |   ^~~~~~~`);
    expect(r.stderr).toMatch(/^1 error in app\.pkr\.hcl$/m);
    expect(r.stderr).not.toContain('    at ');
  });

  it('names every place it looked for a missing template (validate also looks in pipelines/)', async () => {
    const cwd = testdir();
    const r = await runCli(['validate', 'nope.hcl'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: template nope.hcl not found: looked for nope.hcl, templates/nope.hcl and pipelines/nope.hcl [ERR_BAKE_TEMPLATE_NOT_FOUND]\n' +
        'hint: Pass the path of a template file, or of a directory of *.pkr.hcl files.\n',
    );
  });
});

describe('bake inspect', () => {
  it('--json lists variables, sources, and each build with its provisioners in declared order', async () => {
    const cwd = testdir({ 'app.pkr.hcl': appTemplate });
    const r = await runCli(['inspect', '--json', 'app.pkr.hcl'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.variables.map((v: { name: string }) => v.name).sort()).toEqual(['app_version', 'db_password']);
    expect(doc.sources.map((s: { ref: string }) => s.ref)).toEqual(['qemu.app']);
    expect(doc.builds).toHaveLength(1);
    expect(doc.builds[0].sources.map((s: { ref: string }) => s.ref)).toEqual(['qemu.app']);
    expect(doc.builds[0].provisioners.map((p: { type: string }) => p.type)).toEqual(['shell', 'file', 'shell']);
  });

  it('prints the human view', async () => {
    const cwd = testdir({ 'app.pkr.hcl': appTemplate });
    const r = await runCli(['inspect', 'app.pkr.hcl', '-var', 'app_version=2.0'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('app_version (string) = "2.0"  from --var');
    expect(r.stdout).toContain('    provisioners:\n      1. shell\n      2. file\n      3. shell\n');
  });

  it('never shows the value of a sensitive variable, in either view', async () => {
    const cwd = testdir({ 'app.pkr.hcl': appTemplate });
    for (const args of [['inspect', '--json'], ['inspect'], ['validate']]) {
      const r = await runCli([...args, '-var', `db_password=${SECRET}`, 'app.pkr.hcl'], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
    const json = await runCli(['inspect', '--json', '--var', `db_password=${SECRET}`, 'app.pkr.hcl'], { cwd });
    const doc = JSON.parse(json.stdout);
    expect(doc.variables.find((v: { name: string }) => v.name === 'db_password').value).toBe('<sensitive>');
    expect(doc.builds[0].provisioners[1].config.content).toBe('password=<sensitive>');
  });

  it('reads variables from a var file relative to the working directory', async () => {
    const cwd = testdir({ 'app.pkr.hcl': appTemplate, 'vars/dev.pkrvars.hcl': 'app_version = "3.1"\n' });
    const r = await runCli(['inspect', '--json', '-var-file=vars/dev.pkrvars.hcl', 'app.pkr.hcl'], { cwd });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).variables.find((v: { name: string }) => v.name === 'app_version').value).toBe('3.1');
  });
});

describe('bake fmt', () => {
  const messy = 'source "qemu" "app" {\nparent="os-base"\n      image_name  =   "app"\n}\n';

  it('--check lists an unformatted file, leaves it alone and exits 3; fmt then fixes it', async () => {
    const cwd = testdir({ 'app.pkr.hcl': messy });
    const file = path.join(cwd, 'app.pkr.hcl');

    const check = await runCli(['fmt', '-check', 'app.pkr.hcl'], { cwd });
    expect(check).toEqual({ code: 3, stdout: 'app.pkr.hcl\n', stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(messy);

    const write = await runCli(['fmt', 'app.pkr.hcl'], { cwd });
    expect(write).toEqual({ code: 0, stdout: 'app.pkr.hcl\n', stderr: '' });
    expect(readFileSync(file, 'utf8')).toContain('  image_name = "app"\n');

    expect(await runCli(['fmt', '--check', 'app.pkr.hcl'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the bake command line', () => {
  it('lists every command in --help', async () => {
    const r = await runCli(['--help'], { cwd: testdir() });
    expect(r.code).toBe(0);
    for (const name of ['validate', 'inspect', 'fmt', 'version', 'help']) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('exits 2 with a did-you-mean for an unknown command or flag', async () => {
    const cwd = testdir();
    const cmd = await runCli(['valdiate'], { cwd });
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('Did you mean "validate"?');
    const flag = await runCli(['validate', '-var-flie', 'x', 'a.hcl'], { cwd });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Did you mean "-var-file"?');
  });

  it('prints its version', async () => {
    const r = await runCli(['version'], { cwd: testdir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bake \d+\.\d+\.\d+/);
  });
});
