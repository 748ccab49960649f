"""Prefect tasks: thin wrappers of plain, idempotent functions (the side effects of the flows)."""
