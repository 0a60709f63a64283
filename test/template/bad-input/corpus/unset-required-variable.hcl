variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian"
}

variable "suite" {
  type        = string
  description = "Debian release to bootstrap; no default, so it must be given."
}

source "qemu" "base" {
  image_name = "base"
  bootstrap {
    suite  = var.suite
    mirror = var.mirror
  }
}

build {
  sources = ["source.qemu.base"]
}
