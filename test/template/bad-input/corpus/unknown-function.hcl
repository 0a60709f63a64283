locals {
  stamp = formatdate("YYYYMMDD", timestmp())
  name  = lowr("WebApp")
}

source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = "${local.name}-${local.stamp}"
}

build {
  sources = ["source.qemu.webapp"]
}
