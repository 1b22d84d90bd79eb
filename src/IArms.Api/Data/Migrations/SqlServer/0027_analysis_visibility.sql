-- The analysis reads decide visibility and the record filters from the derived rows alone (issue 13, second
-- round): each derived row carries a copy of its record's owner, visibility scope, type and make, kept in step
-- by AnalysisIndex in the record's own transaction (every record write, custody event and import upsert already
-- re-derives the rows, and a changed copy makes them differ, so they are rewritten). Before, every derived row
-- read was one random lookup into firearm. The restricted records' country lists stay in firearm_visibility
-- (AnalysisQueries.DerivedVisibleTo reads them as FirearmQueries.VisibleTo does). Derived rows exist only for
-- live records. The default scope is the restrictive one: a row written without it is shown to its owner and
-- the countries listed, not to all.
ALTER TABLE firearm_route_leg ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_route_leg_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_route_leg_scope DEFAULT 'countries',
    type NVARCHAR(32) NOT NULL CONSTRAINT df_firearm_route_leg_type DEFAULT '',
    make NVARCHAR(100) NOT NULL CONSTRAINT df_firearm_route_leg_make DEFAULT '',
    canonical_make NVARCHAR(200) NULL;
ALTER TABLE firearm_diversion ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_diversion_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_diversion_scope DEFAULT 'countries',
    type NVARCHAR(32) NOT NULL CONSTRAINT df_firearm_diversion_type DEFAULT '',
    make NVARCHAR(100) NOT NULL CONSTRAINT df_firearm_diversion_make DEFAULT '',
    canonical_make NVARCHAR(200) NULL;
ALTER TABLE firearm_party ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_party_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_party_scope DEFAULT 'countries',
    type NVARCHAR(32) NOT NULL CONSTRAINT df_firearm_party_type DEFAULT '',
    make NVARCHAR(100) NOT NULL CONSTRAINT df_firearm_party_make DEFAULT '',
    canonical_make NVARCHAR(200) NULL;
ALTER TABLE firearm_party_edge ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_party_edge_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_party_edge_scope DEFAULT 'countries',
    type NVARCHAR(32) NOT NULL CONSTRAINT df_firearm_party_edge_type DEFAULT '',
    make NVARCHAR(100) NOT NULL CONSTRAINT df_firearm_party_edge_make DEFAULT '',
    canonical_make NVARCHAR(200) NULL;
ALTER TABLE firearm_serial_shape ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_serial_shape_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_serial_shape_scope DEFAULT 'countries',
    type NVARCHAR(32) NOT NULL CONSTRAINT df_firearm_serial_shape_type DEFAULT '',
    make NVARCHAR(100) NOT NULL CONSTRAINT df_firearm_serial_shape_make DEFAULT '',
    canonical_make NVARCHAR(200) NULL;
GO

-- An existing database answers correctly at once: the rows already derived get their copies here.
UPDATE x SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type, make = f.make, canonical_make = f.canonical_make
FROM firearm_route_leg x JOIN firearm f ON f.id = x.firearm_id;
UPDATE x SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type, make = f.make, canonical_make = f.canonical_make
FROM firearm_diversion x JOIN firearm f ON f.id = x.firearm_id;
UPDATE x SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type, make = f.make, canonical_make = f.canonical_make
FROM firearm_party x JOIN firearm f ON f.id = x.firearm_id;
UPDATE x SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type, make = f.make, canonical_make = f.canonical_make
FROM firearm_party_edge x JOIN firearm f ON f.id = x.firearm_id;
UPDATE x SET owner_agency_id = f.owner_agency_id, visibility_scope = f.visibility_scope, type = f.type, make = f.make, canonical_make = f.canonical_make
FROM firearm_serial_shape x JOIN firearm f ON f.id = x.firearm_id;

-- Routes group by (from, to) straight from an index in that order, with everything they filter on in it.
CREATE INDEX ix_firearm_route_leg_pair ON firearm_route_leg (from_country, to_country)
    INCLUDE (leg_date, licensed, visibility_scope, owner_agency_id, type, canonical_make, make);
-- Diversion sources by party rank the holders in party order from this index, then read the page's holders by it.
CREATE INDEX ix_firearm_diversion_party ON firearm_diversion (party_id)
    INCLUDE (visibility_scope, owner_agency_id, type, diversion_date, country_code, canonical_make, make);
-- The party ranking counts the diverted rows per party from this index alone, in party order.
DROP INDEX ix_firearm_party_diverted ON firearm_party;
CREATE INDEX ix_firearm_party_rank ON firearm_party (diverted, party_id)
    INCLUDE (roles, visibility_scope, owner_agency_id, type, canonical_make, make);

-- Serial runs: each shape's distance to the nearest other shape of its make and skeleton among all live records
-- (NULL when it has none), kept by AnalysisIndex as shapes come and go (the rows on either side are recomputed),
-- so that a make's run candidates (a neighbour within maxGap) are read from an index instead of a window over
-- every record of the make.
ALTER TABLE firearm_serial_shape ADD neighbour_gap BIGINT NULL;
GO
WITH w AS (
    SELECT firearm_id,
           number - LAG(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) AS back,
           LEAD(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) - number AS ahead
    FROM firearm_serial_shape
)
UPDATE s
SET neighbour_gap = CASE WHEN w.back IS NULL THEN w.ahead WHEN w.ahead IS NULL OR w.back <= w.ahead THEN w.back ELSE w.ahead END
FROM firearm_serial_shape s JOIN w ON w.firearm_id = s.firearm_id;
-- A make's candidates in one range of this index, which holds everything they show and are filtered on.
CREATE INDEX ix_firearm_serial_shape_candidate ON firearm_serial_shape (make_key, neighbour_gap)
    INCLUDE (model, serial_number, case_reference, place, country_code, event_date, visibility_scope, owner_agency_id, type, make, canonical_make);
