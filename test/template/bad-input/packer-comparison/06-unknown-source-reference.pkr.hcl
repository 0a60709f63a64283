# defect: a build naming a source that is not declared; line 4; suggest "source.qemu.base"
build {
  sources = [
    "source.qemu.bas",
  ]
}
