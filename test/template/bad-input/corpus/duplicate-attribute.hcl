source "qemu" "base" {
  parent = "os-base"
  memory = 1024
  cpus   = 2
  memory = 2048
}

build {
  sources = ["source.qemu.base"]
}
