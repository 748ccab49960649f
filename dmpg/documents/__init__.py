"""Word documents: templates rendered with docxtpl (render), their data (context), the stable
document kinds and file names (naming), Danish wording (danish, labels), producing and recording a
document exactly once (produce), and the proposal form as a Word document (wordform).

Nothing here imports Prefect; ``tasks/documents.py`` wraps :func:`dmpg.documents.produce.produce_document`.
"""
