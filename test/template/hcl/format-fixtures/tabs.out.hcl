locals {
  a   = 1
  bbb = "tab	inside"
  list = [
    1, 2,
  ]
  doc = <<EOT
	kept	tabs
EOT
}
