variable "api_tokens" {
  type      = list(string)
  sensitive = true
  default   = []
}

variable "db_port" {
  type      = number
  sensitive = true
  default   = 5432
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "placeholder"
}

source "qemu" "app" {
  parent = "os-base"
}

build {
  sources = ["source.qemu.app"]
}
