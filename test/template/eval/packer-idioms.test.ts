import { describe, expect, it } from 'vitest';
import { value } from './_eval.js';

// Expressions as they appear in real Packer templates, evaluated at the pinned test clock
// (2024-03-05T07:08:09Z) and uuid.
const roots = {
  var: {
    name: 'web',
    version: '1.2.3',
    region: 'eu-west-1',
    extra_packages: ['curl', 'jq'],
    tags: { team: 'infra' },
    ssh_keys: null,
  },
  local: { timestamp: '20240305070809' },
  path: { root: '/tpl' },
};

describe('Packer idioms', () => {
  it('builds a timestamped image name with regex_replace(timestamp(), ...)', () => {
    expect(value('"${var.name}-${regex_replace(timestamp(), "[- TZ:]", "")}"', roots)).toBe('web-20240305070809');
  });

  it('builds a name with formatdate()', () => {
    expect(value('"${var.name}-${formatdate("YYYYMMDD-hhmm", timestamp())}"', roots)).toBe('web-20240305-0708');
  });

  it('merges default tags with user tags', () => {
    expect(value('merge({ Name = var.name, Version = var.version }, var.tags)', roots)).toEqual({ Name: 'web', Version: '1.2.3', team: 'infra' });
  });

  it('joins packages for an inline shell command', () => {
    expect(value('"apt-get install -y ${join(" ", concat(["git"], var.extra_packages))}"', roots)).toBe('apt-get install -y git curl jq');
  });

  it('falls back when an optional value is null', () => {
    expect(value('coalesce(var.ssh_keys, "none")', roots)).toBe('none');
    expect(value('var.ssh_keys != null ? length(var.ssh_keys) : 0', roots)).toBe(0);
  });

  it('derives values from a version string', () => {
    expect(value('split(".", var.version)[0]', roots)).toBe('1');
    expect(value('regex("^(\\\\d+)\\\\.(\\\\d+)", var.version)', roots)).toEqual(['1', '2']);
  });

  it('renders provisioner environment variables from a map', () => {
    expect(value('[for k, v in { APP = var.name, REGION = var.region } : "${k}=${v}"]', roots)).toEqual(['APP=web', 'REGION=eu-west-1']);
  });

  it('refers to files relative to the template with path.root', () => {
    expect(value('"${path.root}/scripts/setup.sh"', roots)).toBe('/tpl/scripts/setup.sh');
    expect(value('abspath("${path.root}/../x")', roots)).toBe('/x');
  });
});
