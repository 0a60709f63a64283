source "qemu" "app" {
  parent = var.parent
  cpus   = local.cpus
}
