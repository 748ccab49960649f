"""One identity at every door: how an e-mail address given anywhere is compared.

An address typed on the command line, in a minutes file, in the Prefect UI's Resume form, read from a
link's row or from the roster is compared after Unicode NFKC normalisation and case folding, with the
surrounding white space gone: ``FOELGEGRUPPE.SST@EXAMPLE.DK`` and ``foelgegruppe.sst@example.dk`` are one
person, and so is an address typed with a look-alike character that NFKC maps to the plain letter
(U+212A KELVIN SIGN is ``k``). Which roster entry an address is, and its canonical spelling (the roster's),
is the roster's business (``forms.roster.Roster.canonical``); this module only says when two spellings
are the same address.

Standard library only.
"""

from __future__ import annotations

import unicodedata


def fold_address(email: object) -> str:
    """The comparison form of an e-mail address: NFKC, case-folded, stripped (``""`` for None)."""
    if email is None:
        return ""
    return unicodedata.normalize("NFKC", str(email)).strip().casefold()


def same_address(a: object, b: object) -> bool:
    """Whether ``a`` and ``b`` are the same address after :func:`fold_address` (empty never matches)."""
    fa = fold_address(a)
    return bool(fa) and fa == fold_address(b)
