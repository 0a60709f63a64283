locals {}
locals {}
locals { a = 1 }
source "null" "x" { communicator = "none" }
build {
  sources = ["source.null.x"]
  provisioner "shell-local" { inline = ["echo hi"] }
  post-processor "manifest" {}
}
