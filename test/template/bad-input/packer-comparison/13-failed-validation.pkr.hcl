# defect: a default that fails the variable's validation; line 4,7
variable "suite" {
  type    = string
  default = "buster"

  validation {
    condition     = contains(["bookworm", "trixie"], var.suite)
    error_message = "The suite must be a Debian release bake can boot: bookworm or trixie."
  }
}

build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = ["echo ${var.suite}"]
  }
}
