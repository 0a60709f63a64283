/**
 * What bake writes into a fresh rootfs so it boots under qemu with direct kernel boot and lets a
 * build in over SSH, and the kernel command line contract between that rootfs and vm.ts.
 *
 * The contract: every boot of an image or of any layer on it receives, on the kernel command line,
 *   bake.ssh_key=<base64 of one authorized_keys line>   the build's public key
 *   bake.ssh_user=<name>                                 whose key it is (default root)
 *   bake.instance_id=<id>                                new for every VM launch
 * and two units baked into the base act on them before sshd starts. Nothing is written into a disk
 * from the host, so a layer's disk is only ever changed by its own guest.
 *
 * - The key goes to /run/bake/ssh/<user>, an extra AuthorizedKeysFile (sshd_config.d/bake.conf).
 *   /run is a tmpfs: a build's key never lands on the disk, so no layer keeps a way in for an old
 *   build's key, and nothing needs scrubbing before shutdown.
 * - SSH host keys are per instance: the base has none; when bake.instance_id differs from the id
 *   the current keys were made for, they are deleted and `ssh-keygen -A` makes new ones. A guest's
 *   own reboot keeps its keys (qemu passes the same command line again).
 */

export const KERNEL_ARG = {
  sshKey: 'bake.ssh_key',
  sshUser: 'bake.ssh_user',
  instanceId: 'bake.instance_id',
} as const;

/** The host key types each VM makes at first boot (see HOST_KEYS_SCRIPT). */
export const HOST_KEY_TYPES = ['ed25519', 'ecdsa'] as const;

/** Where the units look for their arguments, and where the per-boot keys go. */
export const RUN_KEYS_DIR = '/run/bake/ssh';

export interface GuestFile {
  /** Absolute path inside the guest. */
  path: string;
  content: string;
  mode: number;
}

export interface GuestConfig {
  files: GuestFile[];
  /** Symlinks to create: [link path, target], both absolute inside the guest (systemctl enable). */
  links: [string, string][];
  /** Files to delete, as globs relative to a directory: [dir, pattern]. */
  remove: [string, RegExp][];
}

export interface GuestConfigOptions {
  hostname: string;
}

export function guestConfig(opts: GuestConfigOptions): GuestConfig {
  const unitLink = (unit: string): [string, string] => [
    `/etc/systemd/system/multi-user.target.wants/${unit}`,
    `/etc/systemd/system/${unit}`,
  ];
  return {
    files: [
      { path: '/etc/fstab', mode: 0o644, content: FSTAB },
      { path: '/etc/hostname', mode: 0o644, content: `${opts.hostname}\n` },
      { path: '/etc/hosts', mode: 0o644, content: hosts(opts.hostname) },
      { path: '/etc/network/interfaces', mode: 0o644, content: INTERFACES },
      // mmdebstrap copies the host's resolv.conf; the guest's comes from DHCP (dhclient writes it).
      { path: '/etc/resolv.conf', mode: 0o644, content: '# Written by dhclient when eth0 comes up.\n' },
      { path: '/etc/ssh/sshd_config.d/bake.conf', mode: 0o644, content: SSHD_CONFIG },
      { path: '/usr/local/sbin/bake-ssh-authorized-key', mode: 0o755, content: AUTHORIZED_KEY_SCRIPT },
      { path: '/usr/local/sbin/bake-ssh-host-keys', mode: 0o755, content: HOST_KEYS_SCRIPT },
      { path: '/etc/systemd/system/bake-ssh-authorized-key.service', mode: 0o644, content: AUTHORIZED_KEY_UNIT },
      { path: '/etc/systemd/system/bake-ssh-host-keys.service', mode: 0o644, content: HOST_KEYS_UNIT },
    ],
    links: [
      unitLink('bake-ssh-authorized-key.service'),
      unitLink('bake-ssh-host-keys.service'),
      // e2scrub checks ext4 on LVM snapshots; there is no LVM here, yet its start-up job kept the
      // single TCG vCPU busy for ~30 s of every boot. Masked.
      ['/etc/systemd/system/e2scrub_reap.service', '/dev/null'],
      ['/etc/systemd/system/e2scrub_all.timer', '/dev/null'],
    ],
    // Made by openssh-server's postinst on the build host: they would be every VM's keys.
    remove: [['/etc/ssh', /^ssh_host_.*_key(\.pub)?$/]],
  };
}

/** `bake.ssh_key=...` for an authorized_keys line (base64: the line has spaces, the command line splits on them). */
export function sshKeyKernelArg(authorizedKeysLine: string): string {
  return `${KERNEL_ARG.sshKey}=${Buffer.from(authorizedKeysLine.trim(), 'utf8').toString('base64')}`;
}

// The root filesystem is the whole virtio disk, no partition table (rootfs.ts runs mkfs on the raw file).
const FSTAB = `# Written by bake: the root filesystem is the whole first virtio disk.
/dev/vda / ext4 rw,errors=remount-ro 0 1
`;

const hosts = (hostname: string) => `127.0.0.1\tlocalhost
127.0.1.1\t${hostname}
::1\t\tlocalhost ip6-localhost ip6-loopback
ff02::1\t\tip6-allnodes
ff02::2\t\tip6-allrouters
`;

// vm.ts boots with net.ifnames=0, so the virtio NIC is eth0 whatever PCI slot it lands in.
// allow-hotplug (what Debian's installer writes), not auto: with an "auto" NIC, ifupdown-pre waits
// for `udevadm settle` before network.target, and sshd waits for that; under TCG that cost ~5 s of
// every boot to SSH. udev brings eth0 up as soon as it appears, and sshd listens on all addresses.
const INTERFACES = `# Written by bake. The kernel is booted with net.ifnames=0, so the NIC is eth0.
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

allow-hotplug eth0
iface eth0 inet dhcp
`;

// Included first by Debian's sshd_config, and the first value sshd sees for a keyword wins.
const SSHD_CONFIG = `# Written by bake: also accept the per-boot key from the kernel command line
# (bake-ssh-authorized-key.service writes it to ${RUN_KEYS_DIR}/<user>, on a tmpfs).
AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2 ${RUN_KEYS_DIR}/%u
# The keys bake-ssh-host-keys.service makes at first boot.
${HOST_KEY_TYPES.map((t) => `HostKey /etc/ssh/ssh_host_${t}_key`).join('\n')}
`;

const AUTHORIZED_KEY_SCRIPT = `#!/bin/sh
# Written by bake. Installs the SSH public key given on the kernel command line as
# ${KERNEL_ARG.sshKey}=<base64 of one authorized_keys line> for ${KERNEL_ARG.sshUser}=<user> (default root),
# into ${RUN_KEYS_DIR}/<user>, which sshd reads as an extra AuthorizedKeysFile. /run is a tmpfs,
# so the key never reaches the disk. BAKE_CMDLINE and BAKE_KEYS_DIR exist for tests.
set -eu
cmdline=\${BAKE_CMDLINE:-/proc/cmdline}
keys_dir=\${BAKE_KEYS_DIR:-${RUN_KEYS_DIR}}
key=
user=root
set -f # split the command line on blanks, without globbing
for arg in $(cat "$cmdline"); do
  case "$arg" in
    ${KERNEL_ARG.sshKey}=*) key=\${arg#${KERNEL_ARG.sshKey}=} ;;
    ${KERNEL_ARG.sshUser}=*) user=\${arg#${KERNEL_ARG.sshUser}=} ;;
  esac
done
[ -n "$key" ] || exit 0
case "$user" in
  ''|*[!a-z0-9_.-]*|[.-]*) echo "bake: refusing ssh user name '$user'" >&2; exit 1 ;;
esac
# sshd reads the file as the user and checks no directory on the way is writable by others.
umask 022
mkdir -p "$keys_dir"
umask 077
printf '%s' "$key" | base64 -d > "$keys_dir/.$user.new"
printf '\\n' >> "$keys_dir/.$user.new"
chown "$user" "$keys_dir/.$user.new"
mv -f "$keys_dir/.$user.new" "$keys_dir/$user"
`;

const HOST_KEYS_SCRIPT = `#!/bin/sh
# Written by bake. SSH host keys belong to one VM: the image has none, and a VM launched with a new
# ${KERNEL_ARG.instanceId}=<id> on its kernel command line deletes the keys it inherited from the
# image or layer it booted and makes its own. BAKE_CMDLINE and BAKE_SSH_DIR exist for tests.
set -eu
cmdline=\${BAKE_CMDLINE:-/proc/cmdline}
ssh_dir=\${BAKE_SSH_DIR:-/etc/ssh}
id=
set -f # split the command line on blanks, without globbing
for arg in $(cat "$cmdline"); do
  case "$arg" in
    ${KERNEL_ARG.instanceId}=*) id=\${arg#${KERNEL_ARG.instanceId}=} ;;
  esac
done
set +f
stamp="$ssh_dir/bake-instance-id"
if [ -n "$id" ] && [ "$(cat "$stamp" 2>/dev/null || true)" != "$id" ]; then
  rm -f "$ssh_dir"/ssh_host_*_key "$ssh_dir"/ssh_host_*_key.pub
fi
# Not RSA: a 3072-bit RSA key takes 10 to 30 s to make under TCG, and every client bake uses
# speaks ed25519. bake.conf lists these two as the HostKeys.
for type in ${HOST_KEY_TYPES.join(' ')}; do
  key="$ssh_dir/ssh_host_\${type}_key"
  if [ ! -s "$key" ] || [ ! -s "$key.pub" ]; then
    rm -f "$key" "$key.pub"
    ssh-keygen -q -t "$type" -N '' -f "$key"
  fi
done
if [ -n "$id" ]; then printf '%s\\n' "$id" > "$stamp"; fi
`;

const unit = (description: string, exec: string) => `# Written by bake.
[Unit]
Description=${description}
Before=ssh.service ssh.socket
After=local-fs.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${exec}

[Install]
WantedBy=multi-user.target
`;

const AUTHORIZED_KEY_UNIT = unit('bake: SSH key from the kernel command line', '/usr/local/sbin/bake-ssh-authorized-key');
const HOST_KEYS_UNIT = unit('bake: SSH host keys for this VM', '/usr/local/sbin/bake-ssh-host-keys');
