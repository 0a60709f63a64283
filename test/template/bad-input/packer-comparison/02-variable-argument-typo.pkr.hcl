# defect: a misspelled argument in a variable block; line 4; suggest "default"
variable "suite" {
  type    = string
  defualt = "bookworm"
}

build {
  sources = ["source.qemu.base"]
}
