# The web app's way to production: each image of templates/webapp.hcl goes to staging first,
# and prod takes what is live in staging. `bake promote --to staging`, then `--to prod`.
# Groups are named web-ENV-vNNN (web-staging-v003); `bake validate pipelines/web.hcl` checks this
# file. Settings left out take their defaults (see src/pipeline/schema.ts).
pipeline "web" {
  template = "webapp.hcl" # found like `bake build webapp.hcl`: here, then in templates/

  environment "staging" {
    instances     = 1
    app_port      = 8080 # Tomcat's HTTP connector
    listen_port   = 0    # the load balancer on 127.0.0.1: any free port, kept for the environment's life
    keep_previous = "10m" # the replaced group stays, disabled, for a quick rollback

    # An instance is healthy after healthy_threshold passing checks in a row, and out after
    # unhealthy_threshold failures; a new group has `deadline` from launch to be all healthy.
    health_check {
      path                = "/health" # webapp.sh installs it; 200 once the app is up
      interval            = "2s"
      timeout             = "1s"      # at most the interval, as HAProxy requires
      healthy_threshold   = 2
      unhealthy_threshold = 2
      deadline            = "5m"      # boot, Tomcat start and the checks, under TCG too
    }
  }

  environment "prod" {
    instances     = 2
    app_port      = 8080
    listen_port   = 0
    keep_previous = "1h"

    health_check {
      path                = "/health"
      interval            = "2s"
      timeout             = "1s"
      healthy_threshold   = 3
      unhealthy_threshold = 2
      deadline            = "10m"
    }

    # Promoting to prod will need signed approvals (a later issue); until then it is refused.
    approval {
      approvers = ["alice", "bob"]
      required  = 1
    }
  }
}
