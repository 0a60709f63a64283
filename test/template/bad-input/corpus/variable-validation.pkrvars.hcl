# Values for variable-validation.hcl: a release bake cannot boot.
suite = "buster"
