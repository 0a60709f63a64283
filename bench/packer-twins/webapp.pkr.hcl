# Packer 1.6.6 twin of templates/webapp.hcl, for bench/cli.sh. Same variables, locals, build,
# provisioners and post-processor; what differs, because Packer 1.6.6 has no such thing:
#   - `parent = "tomcat7-fluentd"` becomes the parent's image: iso_url + iso_checksum + disk_image;
#   - image_name is vm_name; ssh_username is set (Packer requires it; bake does not);
#   - the validation is `length(var.app_version) > 0`, not `can(regex(...))`: Packer 1.6.6 has no
#     regex() in validation conditions, so `can` is always false; and its message starts with
#     "The" (Packer wants a capitalised sentence);
#   - the shell provisioner's `env = { ... }` map becomes `environment_vars = [...]`.
# bench/template-generate.ts copies it to bench/out/packer-shipped/ with stub scripts.

variable "app_version" {
  type        = string
  default     = "1.0.0"
  description = "Version shown on the app's front page."

  validation {
    condition     = length(var.app_version) > 0
    error_message = "The app_version must be a version string like 1.2.3 or 1.2.3-rc1."
  }
}

variable "tomcat_package" {
  type    = string
  default = "tomcat10"
}

locals {
  webapps = "/var/lib/${var.tomcat_package}/webapps"
}

source "qemu" "webapp" {
  iso_url      = "${path.root}/../images/tomcat7-fluentd.qcow2"
  iso_checksum = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  disk_image   = true
  ssh_username = "root"
  vm_name      = "webapp"
}

build {
  name    = "webapp"
  sources = ["source.qemu.webapp"]

  provisioner "file" {
    source      = "${path.root}/../provisioners/files/webapp/"
    destination = "/tmp/webapp"
  }

  provisioner "shell" {
    script = "${path.root}/../provisioners/webapp.sh"
    environment_vars = [
      "APP_VERSION=${var.app_version}",
      "WEBAPPS_DIR=${local.webapps}",
    ]
  }

  post-processor "manifest" {
    output     = "bake-manifest.json"
    strip_path = true
  }
}
