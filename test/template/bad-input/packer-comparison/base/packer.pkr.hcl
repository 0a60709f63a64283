# The source every case builds, as Packer 1.6.6's qemu builder needs it.
source "qemu" "base" {
  iso_url          = "os-base.qcow2"
  iso_checksum     = "none"
  disk_image       = true
  ssh_username     = "root"
  shutdown_command = "poweroff"
}
