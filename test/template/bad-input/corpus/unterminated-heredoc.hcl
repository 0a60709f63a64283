source "qemu" "app" {
  parent     = "os-base"
  image_name = "app"
}

build {
  sources = ["source.qemu.app"]

  provisioner "shell" {
    inline = [<<EOT
apt-get update
apt-get install -y nginx
EOF
    ]
  }
}
