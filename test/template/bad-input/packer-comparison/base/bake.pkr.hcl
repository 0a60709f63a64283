# The source every case builds, as bake's qemu source declares it.
source "qemu" "base" {
  parent       = "os-base"
  ssh_username = "root"
}
