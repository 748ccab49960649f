"""Test support: real parts the tests start for themselves (a throwaway PostgreSQL cluster, a Prefect
server as a child process). Imported as ``support.*``: pytest puts ``tests/`` on ``sys.path``."""
