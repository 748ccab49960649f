"""Adapters: the engine's edge to the outside world, and nothing of the engine's own rules.

- :mod:`~dmpg.adapters.prefect_api`: the Prefect server's REST API, without importing Prefect;
- :mod:`~dmpg.adapters.delivery`: sending one mail (SMTP through apprise, chat channels);
- :mod:`~dmpg.adapters.sink`: the local SMTP mail sink (aiosmtpd) that ``dmpg up`` runs;
- :mod:`~dmpg.adapters.stack`, :mod:`~dmpg.adapters.stack_net`, :mod:`~dmpg.adapters.stack_procs`: the local
  stack's processes, ports and logs;
- :mod:`~dmpg.adapters.daemon`: the loop of a background process (one round every few seconds until SIGTERM).

They import only ``core`` and one another (the import-linter contract in pyproject.toml).
"""
