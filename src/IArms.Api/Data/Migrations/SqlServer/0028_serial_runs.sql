-- Serial runs kept per write (issue 13, fourth round): each run of firearm_serial_shape at the default maxGap (100)
-- over all live records, with an upper bound of the runs any caller can see in it (see the SQLite script and
-- SerialRunIndex, which keeps the rows in step).
CREATE TABLE firearm_serial_run (
    make_key         NVARCHAR(200) NOT NULL,
    skeleton         NVARCHAR(100) NOT NULL,
    first_number     BIGINT        NOT NULL,
    first_firearm_id BIGINT        NOT NULL,
    last_number      BIGINT        NOT NULL,
    last_firearm_id  BIGINT        NOT NULL,
    members          INT           NOT NULL,
    bound            INT           NOT NULL,
    CONSTRAINT pk_firearm_serial_run PRIMARY KEY (make_key, skeleton, first_number, first_firearm_id)
);
CREATE INDEX ix_firearm_serial_run_bound ON firearm_serial_run (bound, first_firearm_id);
CREATE INDEX ix_firearm_serial_run_make_bound ON firearm_serial_run (make_key, bound, first_firearm_id);
GO
-- An existing database answers at once: the runs of the shapes already derived (AnalysisQueries.InsertAllSerialRuns).
WITH a AS (
    SELECT make_key, skeleton, model_key, number, firearm_id,
           CASE WHEN number - LAG(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) <= 100 THEN 0 ELSE 1 END AS starts,
           CASE WHEN LEAD(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) - number <= 100 THEN 0 ELSE 1 END AS ends,
           CASE WHEN number - LAG(number) OVER (PARTITION BY make_key, skeleton, model_key ORDER BY number, firearm_id) <= 100 THEN 0 ELSE 1 END AS model_starts
    FROM (SELECT make_key, skeleton, number, firearm_id, UPPER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(model, ' ', ''), '-', ''), '.', ''), '/', ''), '_', ''), '&', '')) AS model_key FROM firearm_serial_shape) s
), b AS (
    SELECT make_key, skeleton, model_key, number, firearm_id, starts, ends,
           SUM(starts) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id ROWS UNBOUNDED PRECEDING) AS run,
           SUM(model_starts) OVER (PARTITION BY make_key, skeleton, model_key ORDER BY number, firearm_id ROWS UNBOUNDED PRECEDING) AS chain
    FROM a
), r AS (
    SELECT make_key, skeleton, run, MIN(number) AS first_number, MAX(CASE WHEN starts = 1 THEN firearm_id END) AS first_id,
           MAX(number) AS last_number, MAX(CASE WHEN ends = 1 THEN firearm_id END) AS last_id, COUNT(*) AS members
    FROM b GROUP BY make_key, skeleton, run
), c AS (
    SELECT make_key, skeleton, run, CASE WHEN model_key = '' OR model_key COLLATE Latin1_General_BIN2 LIKE '%[^A-Z0-9]%' THEN 1000000000 ELSE COUNT(*) END AS size
    FROM b GROUP BY make_key, skeleton, run, model_key, chain
), m AS (
    SELECT make_key, skeleton, run, MAX(size) AS size FROM c GROUP BY make_key, skeleton, run
)
INSERT INTO firearm_serial_run (make_key, skeleton, first_number, first_firearm_id, last_number, last_firearm_id, members, bound)
SELECT r.make_key, r.skeleton, r.first_number, r.first_id, r.last_number, r.last_id, r.members,
       CASE WHEN r.members > 2000 OR m.size > r.members THEN r.members ELSE m.size END
FROM r JOIN m ON m.make_key = r.make_key AND m.skeleton = r.skeleton AND m.run = r.run
WHERE r.members >= 2;

-- Diversion sources by country, reason or holder kind read their own index in (group, time to crime) order, holding
-- every column the filters read (see the SQLite script); the holder ranking's index gains the reason.
CREATE INDEX ix_firearm_diversion_country ON firearm_diversion (country_code, time_to_crime_days)
    INCLUDE (visibility_scope, owner_agency_id, type, reason, diversion_date, canonical_make, make);
CREATE INDEX ix_firearm_diversion_reason ON firearm_diversion (reason, time_to_crime_days)
    INCLUDE (visibility_scope, owner_agency_id, type, diversion_date, country_code, canonical_make, make);
CREATE INDEX ix_firearm_diversion_kind ON firearm_diversion (party_kind, time_to_crime_days)
    INCLUDE (visibility_scope, owner_agency_id, type, reason, diversion_date, country_code, canonical_make, make);
DROP INDEX ix_firearm_diversion_party ON firearm_diversion;
CREATE INDEX ix_firearm_diversion_party ON firearm_diversion (party_id)
    INCLUDE (visibility_scope, owner_agency_id, type, reason, diversion_date, country_code, canonical_make, make);
