# defect: a variable declared twice; line 7
variable "suite" {
  type    = string
  default = "bookworm"
}

variable "suite" {
  type    = string
  default = "trixie"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.suite}"]
  }
}
