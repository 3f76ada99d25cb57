-- LakeBatch catalog, version 8: how often the scheduler preempted a job (stopped it at a chunk
-- boundary for a job of a higher priority class and queued it again). Portable SQL. Counted apart
-- from attempts: a preemption is not a failure.

ALTER TABLE server_jobs ADD COLUMN preemptions INTEGER DEFAULT 0 NOT NULL;
