build {
  name    = "web"
  sources = ["source.qemu.base"]
  provisioner "shell" {
    inline = ["echo hi"]
    environment_vars = [
      "A=1",
      "B=2",
    ]
  }
  post-processor "manifest" {
    output = "manifest.json"
    custom_data = {
      layer = "web"
      nested = {
        deep = true
      }
    }
  }
}
