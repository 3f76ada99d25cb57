-- LakeBatch catalog, version 6: where a server runs each job. Portable SQL.
-- 'shared': in the server's own SparkSession; 'isolated': in a Spark application of its own that
-- the server starts through spark-submit. Decided at submission (the spec's, else the server's).

ALTER TABLE server_jobs ADD COLUMN execution_mode VARCHAR(16) DEFAULT 'shared' NOT NULL;
