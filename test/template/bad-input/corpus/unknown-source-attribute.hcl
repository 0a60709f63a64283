source "qemu" "base" {
  parent     = "os-base"
  image_name = "base"
  memroy     = 2048
  cpu        = 2
}

build {
  sources = ["source.qemu.base"]
}
