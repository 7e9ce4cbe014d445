"""Background jobs: long work (a year's records) run outside the request.

The job table (:mod:`procure.store.job_models`) holds every job's state and progress,
whichever backend runs it, so pages show both alike:

- SQLite (the default): ``procure serve`` starts a worker process of its own
  (:mod:`procure.jobs.local`), which claims queued jobs from the table.
- PostgreSQL: jobs are deferred to procrastinate in the request's own transaction
  (:mod:`procure.jobs.queue`), and ``procure worker`` runs them on any machine that
  reaches the database (and the files folder).

Both call the same job functions (:mod:`procure.jobs.runner`).
"""
