"""The lifecycle as data: load ``workflows/*.yaml``, build one machine, fire events."""
