source "qemu" "base" {
  parent     = ["os-base"]
  image_name = "base"
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    script = ["setup.sh", "cleanup.sh"]
  }
}
