# defect: an invalid escape sequence in a string; line 6
build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo 'C:\Program Files' > /etc/motd"]
  }
}
