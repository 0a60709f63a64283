build {
    sources = ["source.qemu.base"]
  provisioner "shell" {
      inline = [<<EOT
#!/bin/sh
  set -eu
	echo "tab-indented ${ var.x }"   
echo   'spaces   kept'
EOT
      ]
  }
provisioner "shell" {
    script_text   = <<-EOT
        cd /tmp
          ${ var.cmd }
        %{ if var.debug }set -x%{ endif }
      EOT   
    other = 1
  }
}

locals {
  banner = <<EOT

  blank first line, and a last line with spaces   
EOT
  after = "x"
}
