"""Documents: the files that proposals, contracts, inspections and evidence carry.

:mod:`.inspect` looks at an upload before it is stored (type by content; zip bombs, XXE,
encrypted PDFs, hostile names and oversize refused)."""
