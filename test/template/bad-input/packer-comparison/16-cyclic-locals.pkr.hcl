# defect: locals that refer to each other in a cycle; line 3,4
locals {
  image_name = "${local.prefix}-app"
  prefix     = "${local.image_name}-v1"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${local.image_name}"]
  }
}
