"""What every gate's input shares: strict pydantic, unknown fields refused, and who records it.

Kept apart from ``forms.gates`` so that modules holding one gate's input (``forms.appointments``)
and the gate declarations can both build on it without importing each other.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

RECORDED_BY = dict(
    title="Registreret af",
    description="E-mail på den, der registrerer beslutningen: sekretariatet eller et medlem af det organ, "
                "der beslutter.",
)
MEETING_DATE = dict(title="Mødedato", description="Datoen for mødet, hvor beslutningen blev truffet.")


class GateInput(BaseModel):
    """Base of a gate's input: strict types, surrounding whitespace stripped, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
