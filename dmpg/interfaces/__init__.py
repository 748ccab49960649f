"""Interfaces: how people and processes reach the engine's services.

- :mod:`~dmpg.interfaces.cli`: the ``dmpg`` command line (each command's module is loaded when it runs);
- :mod:`~dmpg.interfaces.web`: the decision page (``python -m dmpg.interfaces.web``);
- :mod:`~dmpg.interfaces.deliverer`: the outbox deliverer (``python -m dmpg.interfaces.deliverer``);
- :mod:`~dmpg.interfaces.sweep`: the recovery sweep (``python -m dmpg.interfaces.sweep``);
- :mod:`~dmpg.interfaces.demo`: ``dmpg demo``, one proposal through the whole lifecycle.

The Prefect flows (``flows/``) are the other way in; they reach the services through ``tasks/``.
Nothing below imports from here (the import-linter contract in pyproject.toml).
"""
