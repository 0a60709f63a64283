# defect: a heredoc without its closing marker; line 6
build {
  sources = ["source.qemu.base"]

  provisioner "shell" {
    inline = [<<EOT
apt-get update
apt-get install -y nginx
EOF
    ]
  }
}
