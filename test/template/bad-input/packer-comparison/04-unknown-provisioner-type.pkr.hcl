# defect: a misspelled provisioner type; line 5; suggest "shell"
build {
  sources = ["source.qemu.base"]

  provisioner "shel" {
    inline = ["apt-get update"]
  }
}
