"""A project moving through its lifecycle: firing a trigger (:mod:`.fire`, the one
path every trigger takes), the facts it records (:mod:`.effects`), the facts it needs
(:mod:`.params`), the next year's project of a renewal (:mod:`.successor`), registering
purchasers, organizations and projects (:mod:`.registry`), the forms a signed-in account may
submit on a project (:mod:`.project_actions`), and the one clock every service reads
(:mod:`.clock`)."""
