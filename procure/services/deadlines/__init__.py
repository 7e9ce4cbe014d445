"""Deadlines at work: the working-day calendar they count on (:mod:`.calendar`), what is due
(:mod:`.due`), the daily tick that fires what passed and queues reminders (:mod:`.tick`),
and the reminders outbox with its e-mail delivery (:mod:`.outbox`)."""
