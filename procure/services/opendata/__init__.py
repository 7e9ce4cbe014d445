"""Open data for outside audit: the OCDS release package and the auditor's dossier."""
