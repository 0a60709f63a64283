source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = "webapp-${var.app_version}"
  memory     = var.memory
  cpu        = 2
}

build {
  sources = ["source.qemu.webapp"]

  provisioner "shell" {
    inline = ["echo ${var.app_verison} > /etc/app-version"]
  }
}
