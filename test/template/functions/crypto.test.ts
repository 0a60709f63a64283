import { describe, expect, it } from 'vitest';
import { call, callError, FIXED_UUID } from './_context.js';

describe('hashes', () => {
  it('hash the UTF-8 bytes and return lowercase hex', () => {
    expect(call('md5', 'hello world')).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    expect(call('sha1', 'hello world')).toBe('2aae6c35c94fcfb415dbe95f408b9ce91ee846ed');
    expect(call('sha256', 'hello world')).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    expect(call('sha512', 'hello world')).toBe(
      '309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f',
    );
  });
});

describe('uuids', () => {
  it('uuidv4 comes from the injected context', () => {
    expect(call('uuidv4')).toBe(FIXED_UUID);
  });

  it('uuidv5 matches the RFC 4122 name-based UUIDs Terraform documents', () => {
    expect(call('uuidv5', 'dns', 'www.terraform.io')).toBe('a5008fae-b28c-5ba5-96cd-82b4c53552d6');
    expect(call('uuidv5', 'url', 'https://www.terraform.io/')).toBe('9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5');
    expect(call('uuidv5', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.terraform.io')).toBe('a5008fae-b28c-5ba5-96cd-82b4c53552d6');
  });

  it('uuidv5 refuses an unknown namespace', () => {
    expect(callError('uuidv5', 'ftp', 'x')).toBe('Invalid value for "namespace" parameter: uuidv5() doesn\'t support namespace "ftp".');
  });
});
