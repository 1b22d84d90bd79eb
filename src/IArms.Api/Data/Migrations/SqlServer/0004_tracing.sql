-- Trace requests between agencies, and the custody events that rebuild a firearm's chain.
CREATE TABLE trace_request (
    id                 BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_trace_request PRIMARY KEY,
    firearm_id         BIGINT         NOT NULL CONSTRAINT fk_trace_request_firearm REFERENCES firearm (id),
    from_agency_id     BIGINT         NOT NULL CONSTRAINT fk_trace_request_from_agency REFERENCES agency (id),
    to_agency_id       BIGINT         NOT NULL CONSTRAINT fk_trace_request_to_agency REFERENCES agency (id),
    priority           NVARCHAR(16)    NOT NULL,
    message            NVARCHAR(4000) NOT NULL,
    due_date           DATE           NOT NULL,
    status             NVARCHAR(16)    NOT NULL,
    created_at         DATETIMEOFFSET(7) NOT NULL,
    answered_at        DATETIMEOFFSET(7) NULL,
    outcome            NVARCHAR(32)    NULL,
    reason_code        NVARCHAR(32)    NULL,
    answer_notes       NVARCHAR(4000) NULL,
    closed_at          DATETIMEOFFSET(7) NULL,
    overdue_alerted_at DATETIMEOFFSET(7) NULL
);
-- The addressee's inbox and the requester's outbox, newest first.
CREATE INDEX ix_trace_request_to ON trace_request (to_agency_id, id);
CREATE INDEX ix_trace_request_from ON trace_request (from_agency_id, id);
-- Who may read a firearm through a request on it.
CREATE INDEX ix_trace_request_firearm ON trace_request (firearm_id, to_agency_id) INCLUDE (status);
-- The overdue sweep: open requests past due that have not raised their alert yet.
CREATE INDEX ix_trace_request_due ON trace_request (due_date) WHERE status = 'open' AND overdue_alerted_at IS NULL;

-- One step of a firearm's custody as one agency (the source) recorded it. Parties are columns,
-- not JSON, so that analyses across many weapons can query holders and countries.
CREATE TABLE custody_event (
    id                      BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_custody_event PRIMARY KEY,
    firearm_id              BIGINT         NOT NULL CONSTRAINT fk_custody_event_firearm REFERENCES firearm (id),
    type                    NVARCHAR(32)    NOT NULL,
    event_date              DATE           NOT NULL,
    from_party_name         NVARCHAR(200)  NULL,
    from_party_kind         NVARCHAR(32)    NULL,
    from_party_country      NCHAR(2)        NULL,
    from_party_licence      NVARCHAR(100)  NULL,
    to_party_name           NVARCHAR(200)  NULL,
    to_party_kind           NVARCHAR(32)    NULL,
    to_party_country        NCHAR(2)        NULL,
    to_party_licence        NVARCHAR(100)  NULL,
    country_code            NCHAR(2)        NULL,
    place                   NVARCHAR(200)  NULL,
    document_reference      NVARCHAR(100)  NULL,
    notes                   NVARCHAR(4000) NULL,
    authorization_kind      NVARCHAR(32)    NULL,
    authorization_reference NVARCHAR(100)  NULL,
    source_agency_id        BIGINT         NOT NULL CONSTRAINT fk_custody_event_source_agency REFERENCES agency (id),
    trace_request_id        BIGINT         NULL CONSTRAINT fk_custody_event_trace_request REFERENCES trace_request (id),
    recorded_at             DATETIMEOFFSET(7) NOT NULL
);
CREATE INDEX ix_custody_event_firearm ON custody_event (firearm_id, id);
CREATE INDEX ix_custody_event_request ON custody_event (trace_request_id) WHERE trace_request_id IS NOT NULL;
