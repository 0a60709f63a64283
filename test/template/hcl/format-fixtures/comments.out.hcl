# A hash comment at the top.
// A slash comment at the top.
/* A block comment
   over two lines, its inner layout kept. */

locals {
  # before the first attribute
  a  = 1     # trailing
  bb = "two" // trailing, slash style
  // between attributes
  ccc  = 3 /* block after a value */
  dddd = 4 # trailing again
  /* a block comment on its own line */
  e = 5
  # at the end of the block
}

source "qemu" "x" { # after the brace
  iso_url = "a"     #no space after hash
  memory  = 1024    #glued
}                   # after the closing brace
