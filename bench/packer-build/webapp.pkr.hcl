# Packer 1.6.6 doing what templates/webapp.hcl does, for bench/build-vs-packer.sh: boot the
# tomcat7-fluentd layer Packer made (`input_disk`) and run the same provisioners with the same
# environment. The source settings are those of os-base.pkr.hcl (see its header).
#
# One difference in form, not in effect: bake's file provisioner uploads `files/webapp/` (trailing
# slash: the contents) to /tmp/webapp. Packer 1.6.6 uploads a directory's contents with
# `scp -rt /tmp/webapp`, which does not create /tmp/webapp; uploading `files/webapp` (the
# directory itself) to /tmp makes the same /tmp/webapp.

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

# As templates/webapp.hcl (its regex validation left out: Packer 1.6.6 has no regex() there).
variable "app_version" {
  type    = string
  default = "1.0.0"
}

variable "tomcat_package" {
  type    = string
  default = "tomcat10"
}

locals {
  webapps = "/var/lib/${var.tomcat_package}/webapps"
}

source "qemu" "webapp" {
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
  vm_name          = "webapp.qcow2"
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
  sources = ["source.qemu.webapp"]

  provisioner "file" {
    source      = "${path.root}/../../provisioners/files/webapp"
    destination = "/tmp"
  }

  provisioner "shell" {
    script = "${path.root}/../../provisioners/webapp.sh"
    environment_vars = [
      "APP_VERSION=${var.app_version}",
      "WEBAPPS_DIR=${local.webapps}",
    ]
  }
}
