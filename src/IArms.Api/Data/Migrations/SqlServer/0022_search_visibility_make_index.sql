-- Visibility inside candidate selection: each serial row carries its record's owner and visibility scope
-- (kept in step by the search index in the record's own transaction, visibility changes included), so that the
-- candidate lookups filter out what the caller may not see before their tiers stop and their caps count. A
-- record a caller may not see then never changes its answer, ranking or `truncated`. The default scope is
-- the restrictive one: a row written without it is shown to its owner and the countries listed, not to all.
ALTER TABLE firearm_serial ADD
    owner_agency_id BIGINT NOT NULL CONSTRAINT df_firearm_serial_owner DEFAULT 0,
    visibility_scope NVARCHAR(16) NOT NULL CONSTRAINT df_firearm_serial_scope DEFAULT 'countries';
GO
UPDATE firearm_serial SET
    owner_agency_id = (SELECT f.owner_agency_id FROM firearm f WHERE f.id = firearm_serial.firearm_id),
    visibility_scope = (SELECT f.visibility_scope FROM firearm f WHERE f.id = firearm_serial.firearm_id);

-- The exact and range lookups stay one index read per candidate: the visibility columns are in the covering indexes.
DROP INDEX ix_firearm_serial_canonical ON firearm_serial;
CREATE INDEX ix_firearm_serial_canonical ON firearm_serial (canonical) INCLUDE (firearm_id, location, serial, visibility_scope, owner_agency_id);
DROP INDEX ix_firearm_serial_reversed ON firearm_serial;
CREATE INDEX ix_firearm_serial_reversed ON firearm_serial (reversed) INCLUDE (firearm_id, location, serial, visibility_scope, owner_agency_id);

-- GET /firearms?make= reads a page of one make in id order: by its canonical name when the reference table
-- knows it, by its lower-cased text otherwise (a computed column, which SQL Server matches to LOWER(make)).
CREATE INDEX ix_firearm_canonical_make ON firearm (canonical_make, id);
ALTER TABLE firearm ADD make_lower AS LOWER(make) PERSISTED;
GO
CREATE INDEX ix_firearm_make_lower ON firearm (make_lower, id);
