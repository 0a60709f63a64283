/**
 * Run by the integration test as a stand-in for a bake process that dies: reads launchVm options
 * as JSON on stdin, launches the VM, prints qemu's pid, and waits to be killed.
 */
import { createNodeProcessRunner } from '../../../src/builders/local/process.js';
import { launchVm, type LaunchVmOptions } from '../../../src/builders/local/vm.js';
import { systemClock } from '../../../src/runtime/clock.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const opts = JSON.parse(input) as LaunchVmOptions;
const vm = await launchVm({ runner: createNodeProcessRunner({ clock: systemClock }), clock: systemClock }, opts);
process.stdout.write(`${vm.pid}\n`);
setInterval(() => undefined, 1_000);
