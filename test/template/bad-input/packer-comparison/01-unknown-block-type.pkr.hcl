# defect: a misspelled top-level block type; line 2; suggest "variable"
variabel "suite" {
  default = "bookworm"
}

build {
  sources = ["source.qemu.base"]
}
