# defect: an interpolation without its closing brace; line 11
variable "tomcat_package" {
  type    = string
  default = "tomcat10"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package"]
    inline           = ["apt-get install -y $TOMCAT_PACKAGE"]
  }
}
