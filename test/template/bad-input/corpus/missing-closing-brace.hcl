variable "app_version" {
  type    = string
  default = "1.0.0"
}

source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = "webapp"

build {
  sources = ["source.qemu.webapp"]

  provisioner "shell" {
    inline = ["echo ${var.app_version} > /etc/app-version"]
  }
}
