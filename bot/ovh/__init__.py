"""The OVHcloud adapter: the ledger's `CreditProvider` port over python-ovh."""
