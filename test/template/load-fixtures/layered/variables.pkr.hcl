variable "parent" {
  type    = string
  default = "os-base"
}
