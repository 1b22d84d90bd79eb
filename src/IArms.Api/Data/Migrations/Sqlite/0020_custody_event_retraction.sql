-- A custody event's source may retract it: the event is kept (the chain shows what was once asserted, and by
-- whom), marked with when, by which agency and why, and left out of the chain's analysis.
ALTER TABLE custody_event ADD COLUMN retracted_at TEXT NULL;
ALTER TABLE custody_event ADD COLUMN retracted_by_agency_id INTEGER NULL REFERENCES agency (id);
ALTER TABLE custody_event ADD COLUMN retraction_reason TEXT NULL;
