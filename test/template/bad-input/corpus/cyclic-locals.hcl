locals {
  image_name = "${local.prefix}-app"
  prefix     = "${local.base}-v1"
  base       = local.image_name
}

source "qemu" "app" {
  parent     = "os-base"
  image_name = local.image_name
}

build {
  sources = ["source.qemu.app"]
}
