source "qemu" "webapp" {
  parent     = "tomcat7-fluentd"
  image_name = "webapp"
}
}

build {
  sources = ["source.qemu.webapp"]
}
