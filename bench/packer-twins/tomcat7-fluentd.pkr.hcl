# Packer 1.6.6 twin of templates/tomcat7-fluentd.hcl, for bench/cli.sh. Same variables, build,
# provisioners and post-processor; what differs, because Packer 1.6.6 has no such thing:
#   - `parent = "os-base"` becomes the parent's image: iso_url + iso_checksum + disk_image;
#   - image_name is vm_name; ssh_username is set (Packer requires it; bake does not).
# bench/template-generate.ts copies it to bench/out/packer-shipped/ with stub scripts.

variable "tomcat_package" {
  type        = string
  default     = "tomcat10"
  description = "Debian package that provides Tomcat."
}

variable "log_forward_target" {
  type        = string
  default     = ""
  description = "host:port to forward Tomcat logs to over TCP; empty keeps them in /var/log/tomcat-shipped."
}

source "qemu" "tomcat7-fluentd" {
  iso_url      = "${path.root}/../images/os-base.qcow2"
  iso_checksum = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  disk_image   = true
  ssh_username = "root"
  vm_name      = "tomcat7-fluentd"
}

build {
  name    = "tomcat7-fluentd"
  sources = ["source.qemu.tomcat7-fluentd"]

  provisioner "shell" {
    script           = "${path.root}/../provisioners/tomcat.sh"
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package}"]
    timeout          = "20m"
  }

  provisioner "file" {
    source      = "${path.root}/../provisioners/files/tomcat-imfile.conf"
    destination = "/tmp/tomcat-imfile.conf"
  }

  provisioner "shell" {
    script           = "${path.root}/../provisioners/log-shipper.sh"
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package}", "LOG_FORWARD_TARGET=${var.log_forward_target}"]
  }

  post-processor "manifest" {
    output     = "bake-manifest.json"
    strip_path = true
  }
}
