/**
 * The errors the local (qemu) builder's pieces raise on purpose, each with a stable code and a
 * hint. Expected outcomes (a probe that fell back to TCG, a VM that had to be killed) are returned
 * as data instead; these are for "this step cannot go on".
 */
import { BakeError, type ErrorSource } from '../../errors.js';

export const LocalErrorCode = {
  /** A host command (qemu, qemu-img, mmdebstrap, mkfs.ext4, ...) is not installed. */
  toolMissing: 'ERR_BAKE_TOOL_MISSING',
  /** A host command ran and failed. */
  processFailed: 'ERR_BAKE_PROCESS_FAILED',
  /** mmdebstrap could not make the root filesystem (bad suite, mirror or package name, network). */
  bootstrapFailed: 'ERR_BAKE_BOOTSTRAP_FAILED',
  /** The root filesystem does not fit in disk_size. */
  diskTooSmall: 'ERR_BAKE_DISK_TOO_SMALL',
  /** disk_size is not a size. */
  badDiskSize: 'ERR_BAKE_BAD_DISK_SIZE',
  /** The bootstrapped rootfs has no kernel or initrd under /boot. */
  noKernel: 'ERR_BAKE_NO_KERNEL',
  /** A directory to remove still has something mounted inside it; bake refuses to recurse into it. */
  mountedInside: 'ERR_BAKE_MOUNTED_INSIDE',
  /** qemu could not bind a host forwarding port (someone took it between our probe and qemu's bind). */
  hostForwardTaken: 'ERR_BAKE_HOSTFWD_TAKEN',
  /** qemu exited while starting, for another reason. */
  vmStartFailed: 'ERR_BAKE_VM_START_FAILED',
  /** A path qemu must parse is unusable (too long for a unix socket, not absolute). */
  badVmPath: 'ERR_BAKE_BAD_VM_PATH',
  /** The QMP monitor answered with an error or closed unexpectedly. */
  qmpFailed: 'ERR_BAKE_QMP_FAILED',
  /** bake will not overwrite an image file that already exists. */
  imageExists: 'ERR_BAKE_IMAGE_EXISTS',
  /** A bootstrap value would be read by mmdebstrap as an option (it starts with "-") or is not a suite name. */
  badBootstrap: 'ERR_BAKE_BAD_BOOTSTRAP',
  /** `qemu-img info` printed something bake does not understand. */
  imageInfoUnreadable: 'ERR_BAKE_IMAGE_INFO_UNREADABLE',
} as const;

export type LocalErrorCode = (typeof LocalErrorCode)[keyof typeof LocalErrorCode];

export class LocalBuilderError extends BakeError {
  /** `source` defaults to 'toolkit': most of these are host or bake problems, not template ones. */
  constructor(code: LocalErrorCode, message: string, options: { hint?: string; cause?: unknown; source?: ErrorSource } = {}) {
    super(code, message, { ...options, source: options.source ?? 'toolkit' });
    this.name = 'LocalBuilderError';
  }
}

export function isLocalBuilderError(e: unknown, code?: LocalErrorCode): e is LocalBuilderError {
  return e instanceof LocalBuilderError && (code === undefined || e.code === code);
}
