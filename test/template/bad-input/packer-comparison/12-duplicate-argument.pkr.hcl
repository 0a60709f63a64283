# defect: an argument set twice in one block; line 7
build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["apt-get update"]
    inline = ["apt-get install -y nginx"]
  }
}
