

# Two blank lines above stay, as hclwrite keeps them.
locals {

  a = 1


  bbb = 2

}



variable "x" {}
