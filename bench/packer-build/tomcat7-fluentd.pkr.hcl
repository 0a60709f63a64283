# Packer 1.6.6 doing what templates/tomcat7-fluentd.hcl does, for bench/build-vs-packer.sh: boot
# the os-base layer Packer made (`input_disk`) and run the same provisioners with the same
# environment. The source settings are those of os-base.pkr.hcl (see its header).

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

# As templates/tomcat7-fluentd.hcl.
variable "tomcat_package" {
  type    = string
  default = "tomcat10"
}

variable "log_forward_target" {
  type    = string
  default = ""
}

source "qemu" "tomcat7-fluentd" {
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
  vm_name          = "tomcat7-fluentd.qcow2"
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
  sources = ["source.qemu.tomcat7-fluentd"]

  provisioner "shell" {
    script           = "${path.root}/../../provisioners/tomcat.sh"
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package}"]
    timeout          = "20m"
  }

  provisioner "file" {
    source      = "${path.root}/../../provisioners/files/tomcat-imfile.conf"
    destination = "/tmp/tomcat-imfile.conf"
  }

  provisioner "shell" {
    script           = "${path.root}/../../provisioners/log-shipper.sh"
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package}", "LOG_FORWARD_TARGET=${var.log_forward_target}"]
  }
}
