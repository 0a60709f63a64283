source "qemu" "base" {
  parent = "os-base"
}

source "qemu" "base" {
  parent = "os-base"
  cpus   = 2
}

build {
  sources = ["source.qemu.base"]
}
