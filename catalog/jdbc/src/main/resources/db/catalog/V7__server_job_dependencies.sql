-- LakeBatch catalog, version 7: DAG dependencies between server jobs. Portable SQL.
-- depends_on holds what the spec's depends-on names (job ids or idempotency keys of the same
-- tenant), one per line, in the spec's order; NULL when the job depends on nothing. A job whose
-- upstream failed ends UPSTREAM_FAILED (15 characters: state stays VARCHAR(16)).

ALTER TABLE server_jobs ADD COLUMN depends_on VARCHAR(8000);
