/**
 * qemu parses `-drive file=...,format=...` style option strings itself: a value ends at a comma,
 * and a literal comma is written twice (docs/system/invocation: "To use a comma in a value, double it").
 */
export function qemuOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}
