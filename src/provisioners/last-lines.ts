/**
 * Keeps the last few lines of a command's output for a failure report: the end of a failing
 * script's output is nearly always where its error is.
 */
export const LAST_LINES = 20;

export class LastLines {
  #lines: string[] = [];

  constructor(private readonly limit = LAST_LINES) {}

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.limit) this.#lines.shift();
  }

  get lines(): string[] {
    return [...this.#lines];
  }
}
