"""What the engine writes, in Word and as text: templates rendered with docxtpl (render), their data
(context), the stable document kinds and file names (naming), producing and recording a document exactly
once (produce), a meeting's documents (meeting), the proposal form and the minutes form as Word documents
(wordform, minutesform), a person's data as a Word summary (persondata), and the Prefect UI's Danish
markdown: a proposal's story and a gate's description (narrative), with its document links (links).

Nothing here imports Prefect, the mail or the services; the services produce documents through
:func:`dmpg.documents.produce.produce_document`.
"""
