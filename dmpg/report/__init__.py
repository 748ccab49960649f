"""The secretariat's status report (``dmpg report``): where every proposal stands, how long each step
takes, what is overdue, what was decided, and the established groups — for the steering group and the
director circle, four times a year.

- :mod:`dmpg.report.figures` (pure): the ledger's history in, the report's figures out (any period,
  as the ledger stood at its end).
- :mod:`dmpg.report.chart`: the timeline chart (matplotlib, headless).
- :mod:`dmpg.report.document`: the Word report (``templates/status_report.docx``), the JSON and the CSV.
- :mod:`dmpg.report.board`: the same figures for the Prefect UI's board.

Nothing here imports Prefect.
"""
