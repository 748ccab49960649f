"""Where each case stands, as the ledger has it: small readers that every layer above asks (the services,
the mail, the documents and the Prefect UI's text, the report and the command line).

- :mod:`~dmpg.state.gates_open`: the gate rounds that wait, since when and on whom;
- :mod:`~dmpg.state.incidents`: the runs that stopped and are being recovered (or need a person);
- :mod:`~dmpg.state.agenda`: the meeting that decides a gate round, and a meeting as it is shown;
- :mod:`~dmpg.state.links`: the signed decision and document links that work while a round waits.

Below the documents and the mail, which use them; they import no other part of ``dmpg`` (the
import-linter contract in pyproject.toml). Not Prefect's run states: those are ``dmpg.adapters.prefect_api``'s.
"""
