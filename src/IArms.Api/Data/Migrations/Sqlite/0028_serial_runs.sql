-- Serial runs kept per write (issue 13, fourth round): each run of firearm_serial_shape at the default maxGap (100),
-- over all live records: a maximal chain of two or more shapes of one make and skeleton whose consecutive numbers (in
-- number, firearm_id order) differ by at most 100. Its members are the shapes of its make and skeleton numbered from
-- first_number to last_number (no other shape can lie in that range: it would be within 100 of a member). bound is
-- an upper bound of every run SerialRuns.Find can give from members of it (SerialRuns.KeptRunBound: the longest chain
-- of one model when every model is simple enough to normalise here, else the member count). AnalysisIndex keeps the rows in step
-- wherever it keeps the shapes' neighbour gaps (SerialRunIndex: an added shape extends or merges runs, a removed one
-- shortens or splits one). The serial-runs read walks the runs by bound, largest first, and stops at the first whose
-- bound is below the page's smallest run, instead of reading and chaining every candidate of the make (8-11 s for
-- the largest make at 10 M records).
CREATE TABLE firearm_serial_run (
    make_key         TEXT    NOT NULL,
    skeleton         TEXT    NOT NULL,
    first_number     INTEGER NOT NULL,
    first_firearm_id INTEGER NOT NULL,
    last_number      INTEGER NOT NULL,
    last_firearm_id  INTEGER NOT NULL,
    members          INTEGER NOT NULL,
    bound            INTEGER NOT NULL,
    PRIMARY KEY (make_key, skeleton, first_number, first_firearm_id)
) WITHOUT ROWID;
-- Largest bound first, over every make or within one; the first firearm breaks ties (a firearm starts at most one run).
CREATE INDEX ix_firearm_serial_run_bound ON firearm_serial_run (bound, first_firearm_id);
CREATE INDEX ix_firearm_serial_run_make_bound ON firearm_serial_run (make_key, bound, first_firearm_id);

-- An existing database answers at once: the runs of the shapes already derived (the same statement as
-- AnalysisQueries.InsertAllSerialRuns). In (number, firearm_id) order a run starts at a shape with no link back and
-- ends at one with no link ahead; the running count of starts numbers the runs, and of one model's own starts its chains.
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
    SELECT make_key, skeleton, run, CASE WHEN model_key = '' OR model_key GLOB '*[^A-Z0-9]*' THEN 1000000000 ELSE COUNT(*) END AS size
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
-- every column the filters read: the groups are counted and the medians' rows numbered in index order, with no sort
-- of every visible diversion per request. The holder ranking's index gains the reason, which the filter now reads
-- from the diversion row itself.
CREATE INDEX ix_firearm_diversion_country ON firearm_diversion
    (country_code, time_to_crime_days, visibility_scope, owner_agency_id, type, reason, diversion_date, canonical_make, make);
CREATE INDEX ix_firearm_diversion_reason ON firearm_diversion
    (reason, time_to_crime_days, visibility_scope, owner_agency_id, type, diversion_date, country_code, canonical_make, make);
CREATE INDEX ix_firearm_diversion_kind ON firearm_diversion
    (party_kind, time_to_crime_days, visibility_scope, owner_agency_id, type, reason, diversion_date, country_code, canonical_make, make);
DROP INDEX ix_firearm_diversion_party;
CREATE INDEX ix_firearm_diversion_party ON firearm_diversion
    (party_id, visibility_scope, owner_agency_id, type, reason, diversion_date, country_code, canonical_make, make);
