# defect: a reference to a misspelled variable; line 11; suggest "app_version"
variable "app_version" {
  type    = string
  default = "1.0.0"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.app_verison} > /etc/app-version"]
  }
}
