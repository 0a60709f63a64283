variable "owner" {
  type        = string
  default     = "René Dupré"
  description = "Image owner, written by an editor set to Latin-1"
}

source "qemu" "base" {
  parent = "os-base"
}

build {
  sources = ["source.qemu.base"]
}
