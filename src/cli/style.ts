/** ANSI styling that turns into the identity when colour is off, so callers never branch on it. */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const colored: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  cyan: sgr(36, 39),
};

const id = (s: string) => s;
const plain: Style = { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };

export function createStyle(color: boolean): Style {
  return color ? colored : plain;
}

/**
 * Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) and never on CI,
 * whose logs keep escape codes as noise.
 */
export function wantsColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !isTruthy(env.CI);
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
