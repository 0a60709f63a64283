locals {
  cpus = 2
}

build {
  name    = "layers"
  sources = ["source.qemu.app"]

  provisioner "shell" {
    inline = ["echo building ${source.name} on ${var.parent}"]
  }
}
