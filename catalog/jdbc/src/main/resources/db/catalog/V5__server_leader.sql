-- LakeBatch catalog, version 5: the job servers' leader lease. Portable SQL.
-- One row: the server that dispatches the queue renews renewed_at (the database's clock); a
-- standby takes the lease over once it lapses, raising epoch, and claims a job only under the epoch
-- it leads in.

CREATE TABLE server_leader (
  name       VARCHAR(40)  NOT NULL PRIMARY KEY,
  owner      VARCHAR(300),
  epoch      BIGINT       NOT NULL,
  renewed_at TIMESTAMP WITH TIME ZONE
);
INSERT INTO server_leader (name, owner, epoch, renewed_at) VALUES ('dispatcher', NULL, 0, NULL);
