"""Prefect flows: thin orchestration of the proposal lifecycle and its housekeeping."""
