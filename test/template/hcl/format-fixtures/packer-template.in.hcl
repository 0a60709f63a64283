packer {
  required_plugins {
    qemu = {
      version = ">= 1.0.0"
    source = "github.com/hashicorp/qemu"
    }
  }
}

variable "image_name" {
type = string
default = "debian-12"
}

locals { timestamp = regex_replace(timestamp(), "[- TZ:]", "") }

source "qemu" "debian" {
  iso_url           = "https://cdimage.debian.org/debian-12.iso"
  iso_checksum = "file:https://cdimage.debian.org/SHA256SUMS"
  output_directory = "output/${var.image_name}-${local.timestamp}"
  shutdown_command  = "echo 'packer' | sudo -S shutdown -P now"
  disk_size = "5000M"
  format    = "qcow2"
  accelerator="kvm"
  http_directory = "http"
  ssh_username = "root"
  ssh_password = "s0m3password"
  ssh_timeout = "20m"
  vm_name = "${var.image_name}.qcow2"
  net_device = "virtio-net"
  disk_interface = "virtio"
  boot_wait = "10s"
  boot_command = ["<esc><wait>", "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>"]
}

build {
  sources = ["source.qemu.debian"]

  provisioner "shell" {
    execute_command = "{{ .Vars }} sudo -E sh -eux '{{ .Path }}'"
    scripts = [
      "scripts/update.sh",
      "scripts/cleanup.sh",
    ]
  }
}
