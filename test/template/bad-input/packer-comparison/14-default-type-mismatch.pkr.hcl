# defect: a default of the wrong type; line 4
variable "cpus" {
  type    = number
  default = "two"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.cpus}"]
  }
}
