# defect: a reference to a misspelled local; line 10; suggest "image"
locals {
  image = "webapp"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${local.imge} > /etc/image-name"]
  }
}
