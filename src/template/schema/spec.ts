/**
 * A body spec declares what a block body may contain: attributes (each a zod schema of the
 * evaluated value) and nested blocks. Builders, provisioners and post-processors each export one;
 * the template engine decodes bodies against them without knowing the components themselves.
 */
import type { z } from 'zod';
import type { ValueObject } from '../value.js';

export interface BodySpec {
  attributes: Record<string, z.ZodType>;
  blocks?: Record<string, NestedBlockSpec>;
  /** Named cross-field rules, run after every attribute decoded cleanly. */
  rules?: BodyRule[];
}

export interface NestedBlockSpec {
  body: BodySpec;
  /** A repeatable block decodes to a list of objects; a single one to an object. */
  multiple?: boolean;
  /** Label names; decoded into the object under these keys. */
  labels?: string[];
}

export interface BodyRule {
  name: string;
  /** Returns a message (and optionally the attribute it concerns) when the rule fails. */
  check(config: ValueObject): { message: string; attribute?: string } | undefined;
}

/** A component a template can name: a source type, a provisioner type or a post-processor type. */
export interface ComponentSpec {
  body: BodySpec;
}

export interface ComponentRegistry {
  sources: Record<string, ComponentSpec>;
  provisioners: Record<string, ComponentSpec>;
  postProcessors: Record<string, ComponentSpec>;
  dataSources: Record<string, ComponentSpec>;
}

/**
 * Component types Packer has that bake does not implement (yet): naming one is a
 * "not supported yet" diagnostic rather than a did-you-mean for an unknown name.
 */
export const KNOWN_ELSEWHERE = {
  sources: [
    'amazon-ebs', 'amazon-ebssurrogate', 'amazon-ebsvolume', 'amazon-instance', 'amazon-chroot',
    'azure-arm', 'azure-chroot', 'docker', 'googlecompute', 'hyperv-iso', 'hyperv-vmcx', 'lxc', 'lxd',
    'null', 'oracle-oci', 'parallels-iso', 'proxmox-iso', 'proxmox-clone', 'vagrant', 'virtualbox-iso',
    'virtualbox-ovf', 'vmware-iso', 'vmware-vmx', 'vsphere-iso', 'vsphere-clone', 'digitalocean',
    'hcloud', 'linode', 'openstack', 'scaleway', 'yandex', 'file',
  ],
  provisioners: [
    'ansible', 'ansible-local', 'breakpoint', 'chef-client', 'chef-solo', 'converge', 'inspec',
    'powershell', 'puppet-masterless', 'puppet-server', 'salt-masterless', 'shell-local',
    'windows-restart', 'windows-shell',
  ],
  postProcessors: [
    'amazon-import', 'artifice', 'checksum', 'compress', 'docker-import', 'docker-push', 'docker-save',
    'docker-tag', 'googlecompute-export', 'googlecompute-import', 'shell-local', 'vagrant',
    'vagrant-cloud', 'vsphere', 'vsphere-template', 'ucloud-import', 'yandex-export',
  ],
  dataSources: ['amazon-ami', 'amazon-parameterstore', 'amazon-secretsmanager', 'http', 'hcp-packer-image', 'hcp-packer-iteration', 'hcp-packer-version', 'hcp-packer-artifact', 'sshkey'],
} as const;
