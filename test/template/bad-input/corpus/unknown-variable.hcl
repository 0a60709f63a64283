variable "app_version" {
  type    = string
  default = "1.0.0"
}

locals {
  image   = "webapp"
  version = "v${var.app_verison}"
}

source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = local.imge
}

build {
  sources = ["source.qemu.webapp"]
}
