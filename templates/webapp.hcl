# App layer on tomcat7-fluentd: a small web app whose `/` shows its version and whose
# `/health` returns 200 for the load balancer's health checks.

variable "app_version" {
  type        = string
  default     = "1.0.0"
  description = "Version shown on the app's front page."

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z.+-]*$", var.app_version))
    error_message = "app_version must be a version string like 1.2.3 or 1.2.3-rc1."
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
  parent     = "tomcat7-fluentd"
  image_name = "webapp"
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
    env = {
      APP_VERSION = var.app_version
      WEBAPPS_DIR = local.webapps
    }
  }

  post-processor "manifest" {
    output     = "bake-manifest.json"
    strip_path = true
  }
}
