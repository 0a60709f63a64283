# Secrets for the app layer: none of these values may ever be printed, not even in an error.
variable "db_password" {
  type      = string
  sensitive = true

  validation {
    condition     = length(var.db_password) >= 16
    error_message = "The database password must be at least 16 characters."
  }
}

variable "db_port" {
  type      = string
  sensitive = true
  default   = "port-Zq7xW"
}

locals {
  dsn  = "postgres://app:${var.db_password}@db.internal/app"
  port = tonumber(var.db_port)
}

source "qemu" "app" {
  parent = "tomcat7-fluentd"
}

build {
  sources = ["source.qemu.app"]

  provisioner "shell" {
    inline = ["echo 'DSN=${local.dsn}' > /etc/app.env"]
    env    = { DB_PORT = local.port }
  }
}
