/**
 * The host commands the local builder runs, and the Debian package that provides each, so a
 * missing tool is reported with the exact `apt-get install` that fixes it.
 */
export const HOST_TOOLS: Readonly<Record<string, string>> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  mmdebstrap: 'mmdebstrap',
  'mkfs.ext4': 'e2fsprogs',
  // setpriv ties a VM's life to bake's (see process.ts, dieWithParent); du sizes the rootfs.
  setpriv: 'util-linux',
  du: 'coreutils',
};

/** The packages to install for every tool above, for docs and CI. */
export const HOST_PACKAGES: readonly string[] = [...new Set(Object.values(HOST_TOOLS))].sort();

export function missingToolHint(command: string): string {
  const pkg = HOST_TOOLS[command];
  return pkg === undefined
    ? `Install ${command} and make sure it is on PATH.`
    : `Install it with: apt-get install --no-install-recommends ${pkg}`;
}
