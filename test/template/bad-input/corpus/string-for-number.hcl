source "qemu" "base" {
  parent = "os-base"
  cpus   = "two"
  memory = "2048"
}

build {
  sources = ["source.qemu.base"]
}
