locals {
  sum = 1+2*3
  neg = -1
  sub = a  -1
  dashed_ident = a-1
  neg_after_arrow = { for k, v in var.map : k => -v }
  neg_after_op = a*-b
  cond = var.x==""?"none":var.x
  logic = !var.a&&(var.b||var.c)
  cmp = a>=b
  call = format( "%s-%s" , a , b )
  index = var.list [ 0 ]
  splat = aws_instance.web [ * ].id
  legacy = var.list . 0
  attr = var . thing . name
  expand = concat( var.lists ... )
  tuple_for = [ for s in var.list : upper( s ) if s!="" ]
  object_for = { for k , v in var.map : k => v... }
  in_tuple = [for x in [1, 2]: x]
  paren = ( 1+2 )*3
  mod = 10%3
  num_index = 1 .5
}
