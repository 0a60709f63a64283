{
  "builders": [
    {
      "type": "qemu",
      "disk_image": true,
      "iso_url": "base.qcow2"
    }
  ],
  "provisioners": [
    { "type": "shell", "inline": ["apt-get update"] }
  ]
}
