import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { isLocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import { qmpExecute } from '../../../src/builders/local/qmp.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { fakeQmpServer, type FakeQmpServer } from './fake-qmp-server.js';

let server: FakeQmpServer | undefined;
afterEach(async () => server?.close());
const socketPath = () => path.join(testdir(), 'qmp');

describe('qmpExecute', () => {
  it('negotiates capabilities, skips events, and returns the reply', async () => {
    const socket = socketPath();
    server = await fakeQmpServer(socket, () => ({ status: 'running', running: true }));
    expect(await qmpExecute(socket, 'query-status', undefined, { clock: systemClock })).toEqual({ status: 'running', running: true });
  });

  it("reports qemu's error class and description", async () => {
    const socket = socketPath();
    server = await fakeQmpServer(socket, () => ({ error: { class: 'CommandNotFound', desc: "The command system_reboot has not been found" } }));
    const err = await qmpExecute(socket, 'system_reboot', undefined, { clock: systemClock }).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.qmpFailed)).toBe(true);
    expect((err as Error).message).toBe('QMP system_reboot failed: CommandNotFound: The command system_reboot has not been found');
  });

  it('gives up on a monitor that does not answer', async () => {
    const socket = socketPath();
    server = await fakeQmpServer(socket, () => 'no-reply');
    const err = await qmpExecute(socket, 'query-status', undefined, { clock: systemClock, timeoutMs: 100 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`QMP query-status on ${socket} got no answer within 100 ms`);
  });

  it('fails (for the caller to retry) while there is no socket yet', async () => {
    const err = await qmpExecute(socketPath(), 'query-status', undefined, { clock: systemClock }).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.qmpFailed)).toBe(true);
    expect((err as Error).message).toMatch(/ENOENT/);
  });
});
