import { describe, expect, it } from 'vitest';
import { ClosedBeforeReady, classifyConnectError } from '../../src/communicator/ssh-errors.js';

const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, level: 'client-socket' });
const ssh2Error = (message: string, level: string) => Object.assign(new Error(message), { level });

describe('classifyConnectError', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'])('treats %s as a machine still booting', (code) => {
    expect(classifyConnectError(socketError(code))).toBe('not-ready');
  });

  it('treats a handshake timeout and a connection closed before the banner as not ready', () => {
    expect(classifyConnectError(ssh2Error('Timed out while waiting for handshake', 'client-timeout'))).toBe('not-ready');
    expect(classifyConnectError(ssh2Error('Connection lost before handshake', 'protocol'))).toBe('not-ready');
    expect(classifyConnectError(new ClosedBeforeReady())).toBe('not-ready');
  });

  it('sets an auth rejection apart, for the grace window', () => {
    expect(classifyConnectError(ssh2Error('All configured authentication methods failed', 'client-authentication'))).toBe('auth-rejected');
  });

  it('gives up on anything else: unknown host names, protocol errors, non-errors', () => {
    expect(classifyConnectError(socketError('ENOTFOUND'))).toBe('fatal');
    expect(classifyConnectError(ssh2Error('Host denied (verification failed)', 'handshake'))).toBe('fatal');
    expect(classifyConnectError('boom')).toBe('fatal');
  });
});
