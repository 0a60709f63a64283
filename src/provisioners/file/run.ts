/**
 * The `file` provisioner, with Packer's semantics.
 *
 * Upload (the default): each local `source` (or each of `sources`) goes to `destination`. A
 * directory source follows the trailing-slash rule the communicator's uploadDir implements
 * (`dir/` copies the contents, `dir` the directory itself); a file source lands at
 * `destination`, or inside it when `destination` ends with "/". Files keep their permission
 * bits, as Packer's scp keeps them. `content` is written to `destination` as a file.
 *
 * Download (`direction = "download"`): sources are remote, `destination` local. A source ending in
 * "/" is a directory, downloaded with its contents into `destination`; other sources are files.
 * As in Packer, a destination ending in "/" is a directory that receives the file under its own
 * name, and the local parent directories are created.
 *
 * `generated = true` only tells validation that the source may not exist yet; at run time a
 * missing source fails like any other.
 */
import path from 'node:path';
import { SshErrorCode } from '../../communicator/ssh-errors.js';
import { isBakeError } from '../../errors.js';
import { resolveLocal } from '../local-path.js';
import { blockName, failed, outcomeFromError, ProvisionerErrorCode } from '../provision-failure.js';
import type { Provisioner, ProvisionerRun, ProvisionOutcome } from '../provisioner.js';

interface FileSettings {
  sources: string[];
  content: string | undefined;
  destination: string;
  direction: 'upload' | 'download';
}

function readFileSettings(config: ProvisionerRun['config']): FileSettings {
  const source = config.source as string | undefined;
  return {
    sources: source !== undefined ? [source] : ((config.sources as string[] | undefined) ?? []),
    content: config.content as string | undefined,
    destination: config.destination as string,
    direction: (config.direction as 'upload' | 'download' | undefined) ?? 'upload',
  };
}

export const fileRunner: Provisioner = {
  run: async (p) => {
    const started = p.clock.now();
    const block = blockName('file', p.range);
    const s = readFileSettings(p.config);
    let current = '';
    try {
      const problem =
        s.content !== undefined
          ? await uploadContent(p, block, s.content, s.destination, (c) => (current = c))
          : s.direction === 'download'
            ? await download(p, block, s, (c) => (current = c))
            : await upload(p, block, s, (c) => (current = c));
      return problem ?? { kind: 'ok', durationMs: p.clock.now() - started };
    } catch (e) {
      return outcomeFromError(e, { block, command: current, signal: p.signal });
    }
  },
};

type Track = (command: string) => void;

async function uploadContent(p: ProvisionerRun, block: string, content: string, destination: string, track: Track): Promise<ProvisionOutcome | undefined> {
  if (destination.endsWith('/')) {
    return failed(ProvisionerErrorCode.fileBadDestination, `${block}: "content" needs a file path as "destination", not the directory ${destination}`, {
      command: `write content to ${destination}`,
      hint: `Name the file, e.g. destination = "${destination}config.txt".`,
    });
  }
  p.log(`Uploading content => ${destination}`);
  track(`write content to ${destination}`);
  await p.comm.upload({ content }, destination, { signal: p.signal });
  return undefined;
}

async function upload(p: ProvisionerRun, block: string, s: FileSettings, track: Track): Promise<ProvisionOutcome | undefined> {
  const several = severalNeedDirectory(block, s);
  if (several) return several;
  // Check every source before sending any, so a typo in the last one does not leave a half-copied set.
  const entries = [];
  for (const source of s.sources) {
    const local = resolveLocal(p.workDir, source);
    const entry = await p.fs.stat(local);
    if (entry === undefined) {
      return failed(ProvisionerErrorCode.fileSourceNotFound, `${block}: source "${source}" not found (looked for ${local})`, {
        command: `upload ${local}`,
        hint: 'Relative paths resolve against the directory bake runs in, as in Packer; write "${path.root}/..." for a file beside the template. A file made by an earlier step must exist by the time this provisioner runs.',
      });
    }
    entries.push({ source, local, entry });
  }
  for (const { source, local, entry } of entries) {
    if (entry.kind === 'directory') {
      p.log(`Uploading ${source} => ${s.destination}`);
      track(`upload ${local} to ${s.destination}`);
      await p.comm.uploadDir(local, s.destination, { signal: p.signal });
      continue;
    }
    const target = s.destination.endsWith('/') ? `${s.destination}${path.basename(local)}` : s.destination;
    p.log(`Uploading ${source} => ${target}`);
    track(`upload ${local} to ${target}`);
    await p.comm.upload({ path: local }, target, { mode: entry.mode, signal: p.signal });
  }
  return undefined;
}

async function download(p: ProvisionerRun, block: string, s: FileSettings, track: Track): Promise<ProvisionOutcome | undefined> {
  const several = severalNeedDirectory(block, s);
  if (several) return several;
  const destination = resolveLocal(p.workDir, s.destination);
  const intoDirectory = destination.endsWith('/');
  for (const source of s.sources) {
    // Packer runs these through scp, whose remote shell expands wildcards; SFTP does not.
    if (/[*?]/.test(source)) {
      return failed(ProvisionerErrorCode.fileBadDestination, `${block}: download source "${source}" is a wildcard pattern, which bake does not expand`, {
        command: `download ${source}`,
        hint: 'Download the directory instead (end "source" with "/"), or list the files in "sources".',
      });
    }
    const target = intoDirectory && !source.endsWith('/') ? path.join(destination, path.posix.basename(source)) : destination;
    await p.fs.mkdirp(intoDirectory ? destination : path.dirname(destination));
    p.log(`Downloading ${source} => ${target}`);
    track(`download ${source}`);
    if (source.endsWith('/')) {
      await p.comm.downloadDir(source, target, { signal: p.signal });
      continue;
    }
    try {
      await p.comm.download(source, target, { signal: p.signal });
    } catch (e) {
      if (p.signal.aborted || !isBakeError(e) || e.code !== SshErrorCode.transferFailed) throw e;
      // Packer's rule, and a common surprise: a remote directory needs the trailing slash.
      const outcome = outcomeFromError(e, { block, command: `download ${source}`, signal: p.signal });
      return { ...outcome, hint: `${outcome.hint ? `${outcome.hint} ` : ''}If ${source} is a directory, end "source" with "/": its contents are then copied into "destination".` };
    }
  }
  return undefined;
}

function severalNeedDirectory(block: string, s: FileSettings): ProvisionOutcome | undefined {
  if (s.sources.length <= 1 || s.destination.endsWith('/')) return undefined;
  return failed(ProvisionerErrorCode.fileBadDestination, `${block}: with several sources, "destination" must be a directory ending in "/", got "${s.destination}"`, {
    command: `${s.direction} ${s.sources.join(', ')}`,
    hint: `Write destination = "${s.destination}/".`,
  });
}
