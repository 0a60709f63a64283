locals {
  list = [
  "a",
      "bb",
  "ccc"
  ]
  short = [ 1,2 , 3 ]
  empty_list = [ ]
  empty_object = { }
  inline = {a=1, bb = "two"}
  tags = {
    Name = "web"
    Environment= "prod"
    "quoted key" = true
    owner: "infra"

    Team = "platform"
    nested = {
      x = 1
      yy = 2
    }
    after_nested = 3
  }
  matrix = [
    [1, 2],
    [
        3,
      4,
    ],
  ]
  call = merge(
      local.tags,
    {
  extra = "yes"
    },
  )
}
