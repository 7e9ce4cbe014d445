"""Open data for outside audit: the year's projects as an OCDS 1.1 release package."""
