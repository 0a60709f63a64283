source "qemu" "base" {
  parent = "os-base"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shel" {
    inline = ["apt-get update"]
  }
}
