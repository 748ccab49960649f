"""DMPG proposal engine: the lifecycle of a proposal for a new Danish multidisciplinary psychiatry group."""

__version__ = "0.1.0"
