variable "tomcat_package" {
  type    = string
  default = "tomcat10"
}

source "qemu" "tomcat" {
  parent     = "os-base"
  image_name = "tomcat"
}

build {
  sources = ["source.qemu.tomcat"]

  provisioner "shell" {
    script           = "${path.root}/tomcat.sh"
    environment_vars = ["TOMCAT_PACKAGE=${var.tomcat_package"]
  }
}
