source "qemu" "webapp" {
  parent = "tomcat7-fluentd"
}

build {
  name = "webapp"
  sources = [
    "source.qemu.webap",
  ]
}
