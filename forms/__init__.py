"""The proposal form, each gate's input, and the checks on them: plain pydantic and Python, no Prefect.

Kept empty on purpose: ``dmpg check`` and ``dmpg --help`` must start fast, so importing ``forms``
must not pull in anything; import the submodule you need (``forms.loading``, ``forms.premises`` …).
"""
