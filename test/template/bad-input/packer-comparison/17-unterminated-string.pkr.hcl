# defect: a string without its closing quote; line 4
variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.mirror}"]
  }
}
