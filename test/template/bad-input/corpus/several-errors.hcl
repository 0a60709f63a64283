variable "app_version" {
  type    = string
  default = "1.0.0"
}

source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = "webapp"
  memroy     = 2048
  cpus       = "four"
}

build {
  sources = ["source.qemu.webapp", "source.qemu.db"]

  provisioner "shel" {
    inline = ["echo ${var.app_versoin}"]
  }

  provisioner "file" {
    source = "files/app.war"
  }
}
