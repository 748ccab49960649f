"""``python -m dmpg.sweep``: the recovery sweep, as ``deploy/dmpg-sweep.service`` of an earlier release starts it.

The module is ``dmpg.interfaces.sweep`` now, and the unit shipped with this release names it. A unit copied to
/etc/systemd/system before the move keeps naming this one until the upgrade's step "copy changed units
again" (README, Upgrades); until then this keeps it running. Nothing else uses it.
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("dmpg.interfaces.sweep", run_name="__main__", alter_sys=True)
