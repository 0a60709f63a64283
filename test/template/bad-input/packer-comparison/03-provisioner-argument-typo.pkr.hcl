# defect: a misspelled argument in a shell provisioner; line 7; suggest "environment_vars"
build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline          = ["apt-get update"]
    enviroment_vars = ["DEBIAN_FRONTEND=noninteractive"]
  }
}
