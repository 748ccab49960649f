"""The decision page (``dmpg.interfaces.web``): people decide from a signed link in their mail. See ``app``."""
