"""The registry of established DMPGs (what the premise check's overlap rule reads)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from forms.registry import RegistryEntry, expand_icd_codes
from models.ledger.rows import insert_once
from models.ledger.sessions import joined
from models.tables import RegistryGroup

def registry_groups(*, session: Session | None = None) -> list[RegistryGroup]:
    """The registry's rows (with ``proposal_id``), ordered by DMPG start, then seed/insertion order."""
    with joined(session) as s:
        return list(s.exec(select(RegistryGroup).order_by(RegistryGroup.dmpg_since, RegistryGroup.id)).all())


def list_registry(*, session: Session | None = None) -> list[RegistryEntry]:
    """The established DMPGs as ``forms.registry.RegistryEntry`` (what the overlap check reads),
    ordered by DMPG start."""
    return [
        RegistryEntry(name=g.name, icd_codes=list(g.icd_codes), database_since=g.database_since,
                      dmpg_since=g.dmpg_since, note=g.note)
        for g in registry_groups(session=session)
    ]


def add_registry_group(
    name: str,
    icd_codes: list[str],
    dmpg_since: date,
    database_since: str | None = None,
    note: str | None = None,
    proposal_id: str | None = None,
    *,
    session: Session | None = None,
) -> bool:
    """Add an established group, once per name: True if added, False if a group of that name exists.
    ``icd_codes`` are stored as 3-character categories, ranges expanded (``F40.1`` -> ``F40``,
    ``F40-F42`` -> ``F40, F41, F42``), as the registry's overlap check expects."""
    if isinstance(dmpg_since, datetime):
        dmpg_since = dmpg_since.date()
    icd_codes = expand_icd_codes(icd_codes)
    with joined(session) as s:
        if s.exec(select(RegistryGroup.id).where(RegistryGroup.name == name)).first() is not None:
            return False
        return insert_once(s, RegistryGroup(name=name, icd_codes=icd_codes, dmpg_since=dmpg_since,
                                             database_since=database_since, note=note, proposal_id=proposal_id))
