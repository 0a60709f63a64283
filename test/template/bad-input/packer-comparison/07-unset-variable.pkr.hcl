# defect: a variable without default that is given no value; line 2
variable "suite" {
  type = string
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.suite}"]
  }
}
