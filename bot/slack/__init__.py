"""The Slack surface: one /credit command, buttons, modals, and what they post."""
