"""Open data for outside audit: the year's OCDS release package (:mod:`.ocds`, built from
each project's public facts), the auditor's dossier (:mod:`.dossier`), and the checks of
both against the trail that need no database (:mod:`.dossier_verify`, :mod:`.ocds_trail`,
:mod:`.record_trail`)."""
