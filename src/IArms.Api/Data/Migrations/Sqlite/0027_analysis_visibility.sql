-- The analysis reads decide visibility and the record filters from the derived rows alone (issue 13, second
-- round): each derived row carries a copy of its record's owner, visibility scope, type and make, kept in step
-- by AnalysisIndex in the record's own transaction (every record write, custody event and import upsert already
-- re-derives the rows, and a changed copy makes them differ, so they are rewritten). Before, every derived row
-- read was one random lookup into firearm: 20-90 k per request at 1 M records, ten times that at 10 M. The
-- restricted records' country lists stay in firearm_visibility (AnalysisQueries.DerivedVisibleTo reads them as
-- FirearmQueries.VisibleTo does). Derived rows exist only for live records, so withdrawal needs no copy. The
-- default scope is the restrictive one: a row written without it is shown to its owner and the countries listed.
ALTER TABLE firearm_route_leg ADD COLUMN owner_agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE firearm_route_leg ADD COLUMN visibility_scope TEXT NOT NULL DEFAULT 'countries';
ALTER TABLE firearm_route_leg ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_route_leg ADD COLUMN make TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_route_leg ADD COLUMN canonical_make TEXT NULL;
ALTER TABLE firearm_diversion ADD COLUMN owner_agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE firearm_diversion ADD COLUMN visibility_scope TEXT NOT NULL DEFAULT 'countries';
ALTER TABLE firearm_diversion ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_diversion ADD COLUMN make TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_diversion ADD COLUMN canonical_make TEXT NULL;
ALTER TABLE firearm_party ADD COLUMN owner_agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE firearm_party ADD COLUMN visibility_scope TEXT NOT NULL DEFAULT 'countries';
ALTER TABLE firearm_party ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_party ADD COLUMN make TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_party ADD COLUMN canonical_make TEXT NULL;
ALTER TABLE firearm_party_edge ADD COLUMN owner_agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE firearm_party_edge ADD COLUMN visibility_scope TEXT NOT NULL DEFAULT 'countries';
ALTER TABLE firearm_party_edge ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_party_edge ADD COLUMN make TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_party_edge ADD COLUMN canonical_make TEXT NULL;
ALTER TABLE firearm_serial_shape ADD COLUMN owner_agency_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE firearm_serial_shape ADD COLUMN visibility_scope TEXT NOT NULL DEFAULT 'countries';
ALTER TABLE firearm_serial_shape ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_serial_shape ADD COLUMN make TEXT NOT NULL DEFAULT '';
ALTER TABLE firearm_serial_shape ADD COLUMN canonical_make TEXT NULL;

-- An existing database answers correctly at once: the rows already derived get their copies here.
UPDATE firearm_route_leg SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type,
    make = f.make, canonical_make = f.canonical_make
FROM firearm f WHERE f.id = firearm_route_leg.firearm_id;
UPDATE firearm_diversion SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type,
    make = f.make, canonical_make = f.canonical_make
FROM firearm f WHERE f.id = firearm_diversion.firearm_id;
UPDATE firearm_party SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type,
    make = f.make, canonical_make = f.canonical_make
FROM firearm f WHERE f.id = firearm_party.firearm_id;
UPDATE firearm_party_edge SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type,
    make = f.make, canonical_make = f.canonical_make
FROM firearm f WHERE f.id = firearm_party_edge.firearm_id;
UPDATE firearm_serial_shape SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type,
    make = f.make, canonical_make = f.canonical_make
FROM firearm f WHERE f.id = firearm_serial_shape.firearm_id;

-- Routes group by (from, to) straight from an index in that order, with everything they filter on in it.
CREATE INDEX ix_firearm_route_leg_pair ON firearm_route_leg
    (from_country, to_country, leg_date, licensed, visibility_scope, owner_agency_id, type, firearm_id, canonical_make, make);
-- Diversion sources by party rank the holders in party order from this index, then read the page's holders by it.
CREATE INDEX ix_firearm_diversion_party ON firearm_diversion
    (party_id, visibility_scope, owner_agency_id, type, diversion_date, country_code, canonical_make, make);
-- The party ranking counts the diverted rows per party from this index alone, in party order (nothing sorted).
DROP INDEX ix_firearm_party_diverted;
CREATE INDEX ix_firearm_party_rank ON firearm_party
    (diverted, party_id, roles, visibility_scope, owner_agency_id, type, firearm_id, canonical_make, make);

-- Serial runs: each shape's distance to the nearest other shape of its make and skeleton among all live records
-- (NULL when it has none), kept by AnalysisIndex as shapes come and go (the rows on either side are recomputed),
-- so that a make's run candidates (a neighbour within maxGap) are read from an index instead of a window over
-- every record of the make (0.4 s of SQLite's window functions for the largest make at 1 M records).
ALTER TABLE firearm_serial_shape ADD COLUMN neighbour_gap INTEGER NULL;
WITH w AS (
    SELECT firearm_id,
           number - LAG(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) AS back,
           LEAD(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) - number AS ahead
    FROM firearm_serial_shape
)
UPDATE firearm_serial_shape
SET neighbour_gap = CASE WHEN w.back IS NULL THEN w.ahead WHEN w.ahead IS NULL OR w.back <= w.ahead THEN w.back ELSE w.ahead END
FROM w WHERE w.firearm_id = firearm_serial_shape.firearm_id;
-- A make's candidates in one range of this index, which holds everything they show and are filtered on.
CREATE INDEX ix_firearm_serial_shape_candidate ON firearm_serial_shape
    (make_key, neighbour_gap, firearm_id, model, serial_number, case_reference, place, country_code, event_date,
     visibility_scope, owner_agency_id, type, make, canonical_make);
