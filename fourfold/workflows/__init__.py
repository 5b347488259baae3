"""The cross-domain flows: one module per flow, above the domains and below the edges
(docs/architecture.md). Each function is one transaction that calls the domains' services in
order; the edges (api, web, cli, background tasks) call these for the operations that span
domains, and the domain services directly for everything else."""
