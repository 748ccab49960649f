"""The decision page (``dmpg.web``): people decide from a signed link in their mail. See ``app``."""
