source "qemu" "base" {
  parent = "os-base"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline          = ["apt-get update"]
    enviroment_vars = ["DEBIAN_FRONTEND=noninteractive"]
  }

  provisioner "file" {
    source      = "files/motd"
    destinaton  = "/etc/motd"
  }
}
