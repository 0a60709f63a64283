variable "suite" {
  type    = string
  default = "bookworm"

  validation {
    condition     = contains(["bookworm", "trixie"], var.suite)
    error_message = "The suite must be a Debian release bake can boot: bookworm or trixie."
  }
}

source "qemu" "base" {
  image_name = "base"
  bootstrap {
    suite = var.suite
  }
}

build {
  sources = ["source.qemu.base"]
}
