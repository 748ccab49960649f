"""The ledger: the domain's system of record (sqlmodel), separate from Prefect's orchestration state."""
