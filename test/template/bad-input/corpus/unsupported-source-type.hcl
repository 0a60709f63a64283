source "amazon-ebs" "webapp" {
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ami_name      = "webapp-{{timestamp}}"
}

build {
  sources = ["source.amazon-ebs.webapp"]
}
