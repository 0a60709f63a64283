variabel "region" {
  default = "eu-west-1"
}

source "qemu" "base" {
  parent = "os-base"
}

build {
  sources = ["source.qemu.base"]
}
