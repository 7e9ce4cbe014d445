"""Files attached to a project's facts (issue 22): attach one, list them, open one.

:mod:`.attach` takes an upload: it refuses a hostile file (:mod:`.inspect`), a file or a
project over its size limit and an upload the rules of ``workflows/documents.yaml`` do not
allow (:mod:`.policy`), then keeps the bytes once by their SHA-256 (:mod:`.blobs`, behind
the small :class:`~procure.services.documents.blobs.FileStore` interface) and writes the
``attach`` row of the audit trail that carries the hash. :mod:`.reading` lists and opens
files through the visibility gate, each as the fact it belongs to (:mod:`.facts`): a file
one may not see is answered exactly as a missing one.
"""
