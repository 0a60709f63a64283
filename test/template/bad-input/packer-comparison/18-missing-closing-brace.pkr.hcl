# defect: a block whose closing brace is missing; line 2
variable "app_version" {
  type    = string
  default = "1.0.0"

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.app_version}"]
  }
}
