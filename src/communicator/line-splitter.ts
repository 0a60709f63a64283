/**
 * Turns a byte stream into lines for RemoteCommand's onStdout/onStderr. SSH delivers output in
 * arbitrary packets, so a line, and even one UTF-8 character, can arrive split across chunks; the
 * decoder holds back an incomplete character until its remaining bytes arrive.
 *
 * A line ends at "\n"; a "\r" right before it is dropped (output from Windows tools, or a pty). A
 * lone "\r" (progress bars redrawing a line) stays in the line: there is no right answer for it
 * in a line-based log, and keeping it loses nothing.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  /** The current line's text so far, in pieces: joined once when the line ends, so a long line
   * arriving in many chunks costs linear time, not a copy per chunk. */
  private pending: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, nl));
      this.flush();
      start = nl + 1;
    }
    if (start < text.length) this.pending.push(start === 0 ? text : text.slice(start));
  }

  /** Flushes a last line that had no line end (and any bytes of an incomplete character, as U+FFFD). */
  end(): void {
    const rest = this.decoder.end();
    if (rest !== '') this.pending.push(rest);
    if (this.pending.length > 0) this.flush();
  }

  private flush(): void {
    const line = this.pending.join('');
    this.pending = [];
    this.onLine(stripCr(line));
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
