"""creditbot's Slack layer, scheduler, command line and composition root."""
