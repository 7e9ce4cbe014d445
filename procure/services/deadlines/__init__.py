"""Deadlines at work: what is due (:mod:`.due`), the daily tick that fires what passed and
queues reminders (:mod:`.tick`), and the reminders outbox with its e-mail delivery
(:mod:`.outbox`)."""
