-- Every serial lookup reads the candidate's firearm, location and serial. Carried in the canonical and
-- reversed indexes, they spare each candidate a second b-tree descent into firearm_serial: an exact
-- search reads one index entry, a known beginning or ending one index range.
DROP INDEX ix_firearm_serial_canonical;
CREATE INDEX ix_firearm_serial_canonical ON firearm_serial (canonical, firearm_id, location, serial);
DROP INDEX ix_firearm_serial_reversed;
CREATE INDEX ix_firearm_serial_reversed ON firearm_serial (reversed, firearm_id, location, serial);
