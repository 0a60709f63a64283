variable "app_version" {
  type       = string
  default    = "1.0.0"
  descripton = "Version shown on the front page."
}

variable "memory" {
  type    = number
  default = 2048
}
