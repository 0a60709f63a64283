# defect: a call to a misspelled function; line 3; suggest "lower"
locals {
  name = lowr("WebApp")
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${local.name}"]
  }
}
