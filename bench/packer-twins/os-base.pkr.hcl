# Packer 1.6.6 twin of templates/os-base.hcl, for bench/cli.sh (`packer validate` side by side
# with `bake validate`). Same variables, locals, build and provisioner; what differs, because
# Packer 1.6.6 has no such thing:
#   - required_version is ">= 1.6.0" (the original asks for 1.7.0, which Packer 1.6.6 refuses);
#   - the bootstrap block becomes a Debian cloud image: iso_url + iso_checksum + disk_image;
#   - image_name is vm_name; ssh_username is set (Packer requires it; bake does not);
#   - max_age is dropped.
# bench/template-generate.ts copies it to bench/out/packer-shipped/ with stub scripts.

packer {
  required_version = ">= 1.6.0"
}

variable "suite" {
  type        = string
  default     = "bookworm"
  description = "Debian release to bootstrap."

  validation {
    condition     = contains(["bookworm", "trixie"], var.suite)
    error_message = "The suite must be a Debian release bake can boot: bookworm or trixie."
  }
}

variable "mirror" {
  type        = string
  default     = "http://deb.debian.org/debian"
  description = "Debian mirror for the bootstrap and for apt inside the image."
}

variable "max_age" {
  type        = string
  default     = "168h"
  description = "Rebuild the base when it is older than this, even if nothing changed."
}

locals {
  # What a minbase system needs to boot under qemu with the image's own kernel and take SSH.
  packages = [
    "systemd", "systemd-sysv", "udev", "linux-image-cloud-amd64",
    "openssh-server", "ifupdown", "isc-dhcp-client", "iproute2", "netbase", "ca-certificates",
  ]
}

source "qemu" "os-base" {
  vm_name      = "os-base"
  disk_size    = "3G"
  iso_url      = "https://cloud.debian.org/images/cloud/${var.suite}/latest/debian-12-genericcloud-amd64.qcow2"
  iso_checksum = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  disk_image   = true
  ssh_username = "root"
}

build {
  name    = "os-base"
  sources = ["source.qemu.os-base"]

  provisioner "shell" {
    script           = "${path.root}/../provisioners/base-setup.sh"
    environment_vars = ["DEBIAN_MIRROR=${var.mirror}", "DEBIAN_SUITE=${var.suite}"]
  }
}
