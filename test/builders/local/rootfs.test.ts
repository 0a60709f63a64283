import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { bootstrapPackages, mmdebstrapArgs } from '../../../src/builders/local/bootstrap.js';
import { parseDiskSize } from '../../../src/builders/local/disk-size.js';
import { isLocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import { makeBaseImage, type BaseImageRequest } from '../../../src/builders/local/rootfs.js';
import { mountPointsUnder, removeTree } from '../../../src/builders/local/safe-remove.js';
import { fastClock } from './fast-clock.js';
import { fakeProcessRunner, type FakeBehaviour, type FakeProcess } from './fake-process-runner.js';

const KERNEL = '6.1.0-28-cloud-amd64';

/** What mmdebstrap leaves in its target: a kernel pair, host keys from openssh's postinst, the host's resolv.conf. */
function fakeBootstrap(target: string, opts: { kernel?: boolean } = {}): void {
  for (const dir of ['boot', 'etc/ssh/sshd_config.d', 'etc/network', 'etc/systemd/system', 'run']) mkdirSync(path.join(target, dir), { recursive: true });
  if (opts.kernel !== false) {
    writeFileSync(path.join(target, `boot/vmlinuz-${KERNEL}`), 'kernel');
    writeFileSync(path.join(target, `boot/initrd.img-${KERNEL}`), 'initrd');
    writeFileSync(path.join(target, 'boot/vmlinuz-5.10.0-1-amd64'), 'old kernel without an initrd');
  }
  for (const t of ['rsa', 'ed25519']) {
    writeFileSync(path.join(target, `etc/ssh/ssh_host_${t}_key`), 'private');
    writeFileSync(path.join(target, `etc/ssh/ssh_host_${t}_key.pub`), 'public');
  }
  writeFileSync(path.join(target, 'etc/ssh/sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\n');
  writeFileSync(path.join(target, 'run/host-resolv.conf'), 'nameserver 10.255.255.53\n');
  symlinkSync('../run/host-resolv.conf', path.join(target, 'etc/resolv.conf'));
  writeFileSync(path.join(target, 'etc/hostname'), 'build-host\n');
}

interface Host {
  mmdebstrap?: (p: FakeProcess) => FakeBehaviour | void;
  mkfs?: (p: FakeProcess) => FakeBehaviour | void;
}

/** The tools makeBaseImage runs, faked: each does just enough to the filesystem for the next step. */
function tools(host: Host = {}) {
  return fakeProcessRunner((p) => {
    switch (p.command) {
      case 'mmdebstrap':
        if (host.mmdebstrap) return host.mmdebstrap(p);
        fakeBootstrap(p.args.at(-2)!);
        return { stderr: 'I: success in 36.1 seconds\n' };
      case 'du':
        return { stdout: `397246464\t${p.args.at(-1)}\n` };
      case 'mkfs.ext4':
        return host.mkfs?.(p);
      case 'qemu-img':
        writeFileSync(p.args.at(-1)!, 'qcow2');
        return;
    }
  });
}

function request(workDir: string, extra: Partial<BaseImageRequest> = {}): BaseImageRequest {
  return { bootstrap: { suite: 'bookworm', packages: ['ca-certificates'] }, diskSize: '4G', hostname: 'base', workDir, ...extra };
}

const emptyWorkDir = () => testdir();

describe('makeBaseImage', () => {
  it('bootstraps with mmdebstrap in unshare mode with the boot packages, a kernel and the template packages', async () => {
    const workDir = emptyWorkDir();
    const runner = tools();
    await makeBaseImage({ runner, clock: fastClock() }, request(workDir));
    expect(runner.callsOf('mmdebstrap').map((c) => c.args)).toEqual([
      [
        '--mode=unshare',
        '--format=directory',
        '--architectures=amd64',
        '--variant=minbase',
        '--include=systemd,systemd-sysv,dbus,udev,openssh-server,ifupdown,isc-dhcp-client,iproute2,netbase,linux-image-cloud-amd64,ca-certificates',
        'bookworm',
        path.join(workDir, 'rootfs'),
        'http://deb.debian.org/debian',
      ],
    ]);
  });

  it('configures the rootfs for direct kernel boot and per-VM SSH before packing it', async () => {
    const workDir = emptyWorkDir();
    const seen: Record<string, string> = {};
    const runner = tools({
      mkfs: (p) => {
        const root = p.args[p.args.indexOf('-d') + 1]!;
        const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
        seen.fstab = read('etc/fstab');
        seen.hostname = read('etc/hostname');
        seen.hosts = read('etc/hosts');
        seen.interfaces = read('etc/network/interfaces');
        seen.resolvIsFile = String(lstatSync(path.join(root, 'etc/resolv.conf')).isFile());
        seen.sshKeys = readdirSync(path.join(root, 'etc/ssh')).filter((n) => n.startsWith('ssh_host_')).join(',');
        seen.sshd = read('etc/ssh/sshd_config.d/bake.conf');
        seen.scriptMode = (statSync(path.join(root, 'usr/local/sbin/bake-ssh-authorized-key')).mode & 0o777).toString(8);
        seen.enabled = readdirSync(path.join(root, 'etc/systemd/system/multi-user.target.wants')).join(',');
        seen.masked = readlinkSync(path.join(root, 'etc/systemd/system/e2scrub_reap.service'));
        seen.link = readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/bake-ssh-host-keys.service'));
      },
    });
    await makeBaseImage({ runner, clock: fastClock() }, request(workDir, { hostname: 'web-base' }));
    expect(seen.fstab).toContain('/dev/vda / ext4 rw,errors=remount-ro 0 1');
    expect(seen.hostname).toBe('web-base\n');
    expect(seen.hosts).toContain('127.0.1.1\tweb-base');
    expect(seen.interfaces).toContain('allow-hotplug eth0\niface eth0 inet dhcp');
    expect(seen.resolvIsFile).toBe('true');
    expect(seen.sshKeys).toBe('');
    expect(seen.sshd).toContain('AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2 /run/bake/ssh/%u');
    expect(seen.scriptMode).toBe('755');
    expect(seen.enabled).toBe('bake-ssh-authorized-key.service,bake-ssh-host-keys.service');
    expect(seen.masked).toBe('/dev/null');
    expect(seen.link).toBe('/etc/systemd/system/bake-ssh-host-keys.service');
  });

  it('packs the rootfs into a disk of disk_size, converts it to qcow2, and leaves only the image, kernel and initrd', async () => {
    const workDir = emptyWorkDir();
    let rawSize = 0;
    const runner = tools({
      mkfs: (p) => {
        rawSize = statSync(p.args.at(-1)!).size;
      },
    });
    const base = await makeBaseImage({ runner, clock: fastClock() }, request(workDir, { diskSize: '2G' }));
    expect(runner.callsOf('mkfs.ext4')[0]!.args).toEqual(['-q', '-F', '-L', 'bake-root', '-d', path.join(workDir, 'rootfs'), path.join(workDir, 'disk.raw')]);
    expect(rawSize).toBe(2 * 2 ** 30);
    expect(runner.callsOf('qemu-img')[0]!.args).toEqual(['convert', '-q', '-f', 'raw', '-O', 'qcow2', path.join(workDir, 'disk.raw'), path.join(workDir, 'disk.qcow2')]);
    expect(readdirSync(workDir).sort()).toEqual(['disk.qcow2', 'initrd.img', 'vmlinuz']);
    expect(base).toMatchObject({
      disk: path.join(workDir, 'disk.qcow2'),
      kernel: path.join(workDir, 'vmlinuz'),
      initrd: path.join(workDir, 'initrd.img'),
      kernelVersion: KERNEL,
      diskBytes: 2 * 2 ** 30,
      rootfsBytes: 397246464,
    });
    expect(readFileSync(base.kernel, 'utf8')).toBe('kernel');
    expect(readFileSync(base.initrd, 'utf8')).toBe('initrd');
  });

  it('removes everything it made when mmdebstrap fails, and blames the bootstrap block', async () => {
    const workDir = emptyWorkDir();
    const runner = tools({
      mmdebstrap: (p) => {
        fakeBootstrap(p.args.at(-2)!);
        return { exitCode: 1, stderr: 'E: Unable to locate package ngnix\nE: apt-get install failed\n' };
      },
    });
    const err = await makeBaseImage({ runner, clock: fastClock() }, request(workDir)).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.bootstrapFailed)).toBe(true);
    expect((err as Error).message).toContain('Unable to locate package ngnix');
    expect((err as { source: string }).source).toBe('user');
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('removes everything it made when aborted while mmdebstrap runs', async () => {
    const workDir = emptyWorkDir();
    const ac = new AbortController();
    const runner = tools({
      mmdebstrap: (p) => {
        fakeBootstrap(p.args.at(-2)!);
        setImmediate(() => ac.abort(new Error('build cancelled')));
        return { keepRunning: true };
      },
    });
    await expect(makeBaseImage({ runner, clock: fastClock() }, request(workDir, { signal: ac.signal }))).rejects.toThrow('build cancelled');
    expect(runner.running()).toEqual([]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('says how big disk_size must be when the rootfs does not fit', async () => {
    const workDir = emptyWorkDir();
    const runner = tools({
      mkfs: () => ({ exitCode: 1, stderr: '__populate_fs: Could not allocate block in ext2 filesystem while writing file "libc.so.6"\n' }),
    });
    const err = await makeBaseImage({ runner, clock: fastClock() }, request(workDir, { diskSize: '256M' })).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.diskTooSmall)).toBe(true);
    expect((err as Error).message).toBe('The bookworm rootfs (379 MiB) does not fit in disk_size "256M"');
    expect((err as { hint: string }).hint).toBe('Set disk_size to at least "512M".');
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('fails with a hint when the rootfs has no kernel, and cleans up', async () => {
    const workDir = emptyWorkDir();
    const runner = tools({ mmdebstrap: (p) => fakeBootstrap(p.args.at(-2)!, { kernel: false }) });
    const err = await makeBaseImage({ runner, clock: fastClock() }, request(workDir)).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.noKernel)).toBe(true);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('refuses a work directory that already holds an image, and touches nothing', async () => {
    const workDir = emptyWorkDir();
    writeFileSync(path.join(workDir, 'disk.qcow2'), 'an earlier base');
    const runner = tools();
    const err = await makeBaseImage({ runner, clock: fastClock() }, request(workDir)).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.imageExists)).toBe(true);
    expect(runner.calls).toEqual([]);
    expect(readFileSync(path.join(workDir, 'disk.qcow2'), 'utf8')).toBe('an earlier base');
  });
});

describe('bootstrap packages', () => {
  it('adds the cloud kernel only when the block names no kernel, and lists each package once', () => {
    expect(bootstrapPackages({ suite: 'bookworm', packages: ['linux-image-amd64', 'openssh-server', 'curl'] })).toEqual([
      'systemd', 'systemd-sysv', 'dbus', 'udev', 'openssh-server', 'ifupdown', 'isc-dhcp-client', 'iproute2', 'netbase',
      'linux-image-amd64', 'curl',
    ]);
  });

  it('passes the variant, components and mirror through', () => {
    const args = mmdebstrapArgs({ suite: 'trixie', variant: 'apt', components: ['main', 'contrib'], mirror: 'http://mirror.local/debian' }, '/w/rootfs');
    expect(args).toContain('--variant=apt');
    expect(args).toContain('--components=main,contrib');
    expect(args.slice(-3)).toEqual(['trixie', '/w/rootfs', 'http://mirror.local/debian']);
  });

  it('refuses values mmdebstrap would take for options or split apart', () => {
    for (const spec of [{ suite: '--help' }, { suite: 'bookworm', mirror: '--keyring=/x' }, { suite: 'bookworm', packages: ['curl,wget'] }]) {
      let err: unknown;
      try {
        mmdebstrapArgs(spec, '/w/rootfs');
      } catch (e) {
        err = e;
      }
      expect(isLocalBuilderError(err, LocalErrorCode.badBootstrap)).toBe(true);
    }
  });
});

describe('parseDiskSize', () => {
  it('reads sizes in binary units, a bare number as megabytes like Packer', () => {
    expect(parseDiskSize('4G')).toBe(4 * 2 ** 30);
    expect(parseDiskSize('2048M')).toBe(2 * 2 ** 30);
    expect(parseDiskSize('1.5g')).toBe(1.5 * 2 ** 30);
    expect(parseDiskSize('4096')).toBe(4 * 2 ** 30);
    expect(parseDiskSize('1T')).toBe(2 ** 40);
  });

  it('rejects what is not a size', () => {
    expect(() => parseDiskSize('big')).toThrow('disk_size "big" is not a size');
  });
});

describe('removeTree', () => {
  it('finds mount points inside a directory, including escaped names', () => {
    const mountinfo = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '90 22 0:5 / /w/rootfs/dev rw shared:2 - devtmpfs udev rw',
      '91 22 0:6 / /w/rootfs\\040x/proc rw - proc proc rw',
      '92 22 0:7 / /w/rootfs2 rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(mountPointsUnder(mountinfo, '/w/rootfs')).toEqual(['/w/rootfs/dev']);
    expect(mountPointsUnder(mountinfo, '/w/rootfs x')).toEqual(['/w/rootfs x/proc']);
  });

  it('refuses to remove a tree with something mounted inside', async () => {
    const dir = emptyWorkDir();
    const mountinfo = path.join(dir, 'mountinfo');
    writeFileSync(mountinfo, `90 22 0:5 / ${dir}/rootfs/dev rw shared:2 - devtmpfs udev rw\n`);
    mkdirSync(path.join(dir, 'rootfs/dev'), { recursive: true });
    const err = await removeTree(path.join(dir, 'rootfs'), mountinfo).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.mountedInside)).toBe(true);
    expect(readdirSync(path.join(dir, 'rootfs'))).toEqual(['dev']);
  });
});
