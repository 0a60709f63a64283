variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "Where the image is built."
  sensitive   = false
}

source "qemu" "base" {
  iso_url      = "https://example.com/debian.iso"
  iso_checksum = "sha256:abc"
  memory       = 2048

  cpus      = 2
  disk_size = "10G"
}
