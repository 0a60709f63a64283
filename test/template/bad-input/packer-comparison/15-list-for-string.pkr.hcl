# defect: a list where a string is expected; line 6
build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    script = ["setup.sh", "cleanup.sh"]
  }
}
