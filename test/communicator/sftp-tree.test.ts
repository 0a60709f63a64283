import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeDestination } from '../../src/communicator/sftp-tree.js';

describe('treeDestination (Packer trailing-slash rule)', () => {
  it('puts the contents of "src/" into the destination itself', () => {
    expect(treeDestination('app/', '/opt/app', path.posix)).toBe('/opt/app');
  });

  it('puts "src" into destination/src', () => {
    expect(treeDestination('build/app', '/opt', path.posix)).toBe('/opt/app');
    expect(treeDestination('/srv/data', 'out', path.posix)).toBe('out/data');
  });
});
