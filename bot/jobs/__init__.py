"""The scheduled jobs: the daily run and the OVHcloud sync, and the port they tell people through."""
