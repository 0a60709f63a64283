# OS base layer: Debian 12 minimal with systemd, SSH and the cloud kernel, bootstrapped from
# nothing with mmdebstrap. Every other layer is built on top of this image, and it is rebuilt
# when older than max_age so the whole chain picks up security updates (the phoenix policy).

packer {
  required_version = ">= 1.7.0"
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
  image_name = "os-base"
  disk_size  = "3G"
  max_age    = var.max_age

  bootstrap {
    suite    = var.suite
    mirror   = var.mirror
    variant  = "minbase"
    packages = local.packages
  }
}

build {
  name    = "os-base"
  sources = ["source.qemu.os-base"]

  provisioner "shell" {
    script           = "${path.root}/../provisioners/base-setup.sh"
    environment_vars = ["DEBIAN_MIRROR=${var.mirror}", "DEBIAN_SUITE=${var.suite}"]
  }
}
