"""The bottom layer: settings, errors, bounded reading of input files and the Danish text helpers.

Every package of the project may import ``core``; ``core`` imports nothing of the project. Keep it
light: the CLI imports it on every start.
"""
