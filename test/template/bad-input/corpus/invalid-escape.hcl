source "qemu" "base" {
  parent           = "os-base"
  ssh_username     = "root"
  shutdown_command = "echo \"bye\" && echo 'Shutting down\!' && poweroff"
}

build {
  sources = ["source.qemu.base"]
}
