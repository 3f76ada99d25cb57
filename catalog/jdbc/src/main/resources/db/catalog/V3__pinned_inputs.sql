-- LakeBatch catalog, version 3: what each run pinned at its first attempt, so that a rerun resumes the
-- same rows (issue 10). Portable SQL (H2 and PostgreSQL).

-- One row per run: the job it belongs to (the identity without the input), the pinned input and
-- the plan decided from it (JSON, see io.lakebatch.planner.StoredPlan), and the version of the
-- output table when the run first started (an overwrite run refuses to publish over a table that
-- another writer changed since).
CREATE TABLE run_inputs (
  run_id              VARCHAR(200) NOT NULL PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  job_key             VARCHAR(64)  NOT NULL,
  input_version       BIGINT       NOT NULL,
  input_sha256        VARCHAR(64)  NOT NULL,
  plan_json           TEXT         NOT NULL,
  output_base_version BIGINT       NOT NULL,
  created_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX run_inputs_by_job ON run_inputs (job_key);

-- Chunks of an overwrite run whose files are written into the output table's folder but not yet
-- part of the table: the run's final commit adds them all at once. files_json holds Delta AddFile
-- actions as JSON.
CREATE TABLE staged_chunks (
  run_id           VARCHAR(200) NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  chunk            INTEGER      NOT NULL,
  rows_out         BIGINT       NOT NULL,
  dead_letter_rows BIGINT       NOT NULL,
  files_json       TEXT         NOT NULL,
  staged_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (run_id, chunk)
);
