/**
 * The template's `disk_size`: "4G", "2048M", "1.5G", or a bare number of megabytes (Packer's
 * meaning for a number). Units are binary, as for qemu-img: 1K = 1024 bytes.
 */
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';

const UNITS: Readonly<Record<string, number>> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Bytes, rounded down to whole MiB (mkfs and qemu work in blocks; a MiB is a multiple of all of them). */
export function parseDiskSize(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/i.exec(size.trim());
  if (!m) {
    throw new LocalBuilderError(LocalErrorCode.badDiskSize, `disk_size "${size}" is not a size`, {
      hint: 'Write a size like "4G" or "2048M".',
      source: 'user',
    });
  }
  const bytes = Number(m[1]) * UNITS[(m[2] ?? 'M').toUpperCase()]!;
  return Math.floor(bytes / UNITS.M!) * UNITS.M!;
}
