# Packer 1.6.6 doing what templates/os-base.hcl does after its bootstrap, for
# bench/build-vs-packer.sh: boot the freshly bootstrapped Debian disk and run base-setup.sh with
# the same environment. Packer cannot mmdebstrap, so the script gives it the disk bake's os-base
# starts from (`input_disk`, a standalone qcow2) and that disk's kernel and initrd.
#
# Every bench/packer-build template has the same source settings:
#   - disk_image = true: boot `input_disk` (a copy of it: use_backing_file = false, because
#     Packer 1.6.6 runs `qemu-img create -b` without `-F`, which qemu 7.2 refuses);
#   - direct kernel boot through qemuargs, with bake's guest contract on the kernel command line
#     (src/builders/local/guest-config.ts): bake.ssh_key=<base64 authorized_keys line> lets the
#     script's key in as root;
#   - skip_resize_disk: keep the parent's virtual size, as a bake layer does (Packer would grow
#     the disk to its 40 GB default otherwise);
#   - memory 1024 MiB and 1 CPU, bake's defaults; Packer's own defaults otherwise (boot_wait,
#     SSH retry interval, compaction with `qemu-img convert` at the end).

packer {
  required_version = ">= 1.6.0"
}

variable "input_disk" {
  type        = string
  description = "The qcow2 disk this layer starts from."
}

variable "output_dir" {
  type        = string
  description = "Where Packer writes this layer's disk; must not exist."
}

variable "kernel" {
  type = string
}

variable "initrd" {
  type = string
}

variable "ssh_key_b64" {
  type        = string
  description = "base64 of the authorized_keys line for ssh_private_key_file."
}

variable "ssh_private_key_file" {
  type = string
}

variable "instance_id" {
  type        = string
  description = "bake.instance_id: a new one per boot makes the guest generate its own SSH host keys."
}

variable "serial_log" {
  type = string
}

# As templates/os-base.hcl.
variable "suite" {
  type    = string
  default = "bookworm"
}

variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian"
}

source "qemu" "os-base" {
  iso_url          = var.input_disk
  iso_checksum     = "none"
  disk_image       = true
  use_backing_file = false
  skip_resize_disk = true
  format           = "qcow2"
  accelerator      = "tcg"
  headless         = true
  memory           = 1024
  cpus             = 1
  output_directory = var.output_dir
  vm_name          = "os-base.qcow2"
  qemuargs = [
    ["-kernel", var.kernel],
    ["-initrd", var.initrd],
    ["-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0 bake.instance_id=${var.instance_id} bake.ssh_key=${var.ssh_key_b64}"],
    ["-serial", "file:${var.serial_log}"],
  ]
  communicator         = "ssh"
  ssh_username         = "root"
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "10m"
  shutdown_command     = "shutdown -P now"
}

build {
  sources = ["source.qemu.os-base"]

  provisioner "shell" {
    script           = "${path.root}/../../provisioners/base-setup.sh"
    environment_vars = ["DEBIAN_MIRROR=${var.mirror}", "DEBIAN_SUITE=${var.suite}"]
  }
}
