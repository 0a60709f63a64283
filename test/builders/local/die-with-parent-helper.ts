/**
 * Run by process.test.ts as its own node process: starts `sleep 300` through the node runner with
 * dieWithParent, prints the sleep's pid, and waits to be killed.
 */
import { createNodeProcessRunner } from '../../../src/builders/local/process.js';
import { systemClock } from '../../../src/runtime/clock.js';

const runner = createNodeProcessRunner({ clock: systemClock });
const child = await runner.start('sleep', ['300'], { dieWithParent: true });
process.stdout.write(`${child.pid}\n`);
setInterval(() => undefined, 1_000);
