"""The credit ledger: domain, services and persistence. Knows nothing of Slack."""
