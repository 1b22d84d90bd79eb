-- GET /firearms pages through records in id order; each filter has an index in that order, so that a
-- page of a selective filter (a status, a type, an event country) is read from it instead of the table.
CREATE INDEX ix_firearm_status ON firearm (status, id);
CREATE INDEX ix_firearm_type ON firearm (type, id);
CREATE INDEX ix_firearm_event_country ON firearm (event_country_code, id);
