# A description that lost its closing quote.
variable "mirror" {
  type        = string
  default     = "http://deb.debian.org/debian
  description = "Debian mirror for the bootstrap."
}

source "qemu" "base" {
  image_name = "base"
  bootstrap {
    suite  = "bookworm"
    mirror = var.mirror
  }
}

build {
  sources = ["source.qemu.base"]
}
