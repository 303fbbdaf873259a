"""Block Kit, one module per surface: what the reader sees in `help`, `balance`, `forecast`,
`purchase_orders`, `modals`, `vouchers`, `charges`, `projects`, `notices` (the scheduler's
messages and digests), `home` and `ovh` (with `ovh_orders` and `ovh_reconcile`); `common`
holds `Message` and Slack's limits. Callers import the surface they use."""
