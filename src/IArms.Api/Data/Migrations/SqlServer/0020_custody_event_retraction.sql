-- A custody event's source may retract it: the event is kept (the chain shows what was once asserted, and by
-- whom), marked with when, by which agency and why, and left out of the chain's analysis.
ALTER TABLE custody_event ADD
    retracted_at           DATETIMEOFFSET(7) NULL,
    retracted_by_agency_id BIGINT            NULL CONSTRAINT fk_custody_event_retracted_by REFERENCES agency (id),
    retraction_reason      NVARCHAR(1000)    NULL;
