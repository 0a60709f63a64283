# Middleware layer on os-base: Tomcat and a log shipper that tails Tomcat's logs.
#
# The name comes from the classic AWS stack (Tomcat 7 + fluentd on Ubuntu). Debian 12 packages
# Tomcat 10 and no fluentd, so on the local qemu source this layer installs what Debian ships:
# the Tomcat package named by `tomcat_package`, and rsyslog's imfile module configured the way a
# fluentd `in_tail` source would be (tail catalina.out and the access log, tag, forward).

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
  parent     = "os-base"
  image_name = "tomcat7-fluentd"
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
