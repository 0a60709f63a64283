/**
 * Which files make up a template: one file, or every `*.pkr.hcl` / `*.hcl` of a directory (minus
 * variable files). As in Packer, `*.auto.pkrvars.hcl` files are loaded automatically only when a
 * directory is given.
 */
import { error, type Diagnostic } from './diagnostics.js';

export interface TemplateFs {
  readFile(path: string): string;
  /** 'file', 'dir', or undefined when nothing is there. */
  kind(path: string): 'file' | 'dir' | undefined;
  readDir(path: string): string[];
}

export interface TemplateFiles {
  files: string[];
  autoVarFiles: string[];
  root: string;
  diagnostics: Diagnostic[];
}

const isVarFile = (n: string) => n.endsWith('.pkrvars.hcl') || n.endsWith('.pkrvars.json');

export function templateFiles(path: string, fs: TemplateFs, join: (a: string, b: string) => string, dirname: (p: string) => string): TemplateFiles {
  const kind = fs.kind(path);
  if (kind === undefined) {
    return { files: [], autoVarFiles: [], root: '.', diagnostics: [error('file-not-found', `No template at "${path}"`, undefined)] };
  }
  if (kind === 'file') {
    const diagnostics: Diagnostic[] = [];
    if (path.endsWith('.json')) {
      diagnostics.push(
        error('not-supported-yet', `JSON templates are not supported yet: "${path}"`, undefined, {
          hint: 'Write the template in HCL2 (Packer\'s `packer hcl2_upgrade` converts legacy JSON templates).',
        }),
      );
      return { files: [], autoVarFiles: [], root: dirname(path), diagnostics };
    }
    return { files: [path], autoVarFiles: [], root: dirname(path), diagnostics };
  }
  const names = fs.readDir(path).sort();
  const files = names.filter((n) => (n.endsWith('.pkr.hcl') || n.endsWith('.hcl')) && !isVarFile(n)).map((n) => join(path, n));
  const autoVarFiles = names.filter((n) => n.endsWith('.auto.pkrvars.hcl')).map((n) => join(path, n));
  const diagnostics: Diagnostic[] = [];
  if (files.length === 0) {
    diagnostics.push(error('file-not-found', `No *.pkr.hcl or *.hcl files in directory "${path}"`, undefined));
  }
  return { files, autoVarFiles, root: path, diagnostics };
}
