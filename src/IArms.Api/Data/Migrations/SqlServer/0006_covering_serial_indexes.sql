-- Every serial lookup reads the candidate's firearm, location and serial. Included in the canonical and
-- reversed indexes, they spare each candidate a key lookup into firearm_serial: an exact search reads one
-- index entry, a known beginning or ending one index range.
DROP INDEX ix_firearm_serial_canonical ON firearm_serial;
CREATE INDEX ix_firearm_serial_canonical ON firearm_serial (canonical) INCLUDE (firearm_id, location, serial);
DROP INDEX ix_firearm_serial_reversed ON firearm_serial;
CREATE INDEX ix_firearm_serial_reversed ON firearm_serial (reversed) INCLUDE (firearm_id, location, serial);
