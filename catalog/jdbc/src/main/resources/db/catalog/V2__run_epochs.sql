-- LakeBatch catalog, version 2: fencing tokens. Portable SQL (H2 and PostgreSQL).
-- Every take of a run raises runs.epoch; a driver's later writes carry the epoch of its take and are
-- refused once another process raised it. Owners are written as pid@host#process-start-instant.

ALTER TABLE runs ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;

-- The epoch the move was made under; NULL for moves recorded before version 2 and for registration.
ALTER TABLE run_transitions ADD COLUMN epoch BIGINT;
