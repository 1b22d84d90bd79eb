-- Trace requests between agencies, and the custody events that rebuild a firearm's chain.
CREATE TABLE trace_request (
    id                 INTEGER PRIMARY KEY,
    firearm_id         INTEGER NOT NULL REFERENCES firearm (id),
    from_agency_id     INTEGER NOT NULL REFERENCES agency (id),
    to_agency_id       INTEGER NOT NULL REFERENCES agency (id),
    priority           TEXT    NOT NULL,
    message            TEXT    NOT NULL,
    due_date           TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    answered_at        TEXT    NULL,
    outcome            TEXT    NULL,
    reason_code        TEXT    NULL,
    answer_notes       TEXT    NULL,
    closed_at          TEXT    NULL,
    overdue_alerted_at TEXT    NULL
);
-- The addressee's inbox and the requester's outbox, newest first.
CREATE INDEX ix_trace_request_to ON trace_request (to_agency_id, id);
CREATE INDEX ix_trace_request_from ON trace_request (from_agency_id, id);
-- Who may read a firearm through a request on it.
CREATE INDEX ix_trace_request_firearm ON trace_request (firearm_id, to_agency_id);
-- The overdue sweep: open requests past due that have not raised their alert yet.
CREATE INDEX ix_trace_request_due ON trace_request (due_date) WHERE status = 'open' AND overdue_alerted_at IS NULL;

-- One step of a firearm's custody as one agency (the source) recorded it. Parties are columns,
-- not JSON, so that analyses across many weapons can query holders and countries.
CREATE TABLE custody_event (
    id                      INTEGER PRIMARY KEY,
    firearm_id              INTEGER NOT NULL REFERENCES firearm (id),
    type                    TEXT    NOT NULL,
    event_date              TEXT    NOT NULL,
    from_party_name         TEXT    NULL,
    from_party_kind         TEXT    NULL,
    from_party_country      TEXT    NULL,
    from_party_licence      TEXT    NULL,
    to_party_name           TEXT    NULL,
    to_party_kind           TEXT    NULL,
    to_party_country        TEXT    NULL,
    to_party_licence        TEXT    NULL,
    country_code            TEXT    NULL,
    place                   TEXT    NULL,
    document_reference      TEXT    NULL,
    notes                   TEXT    NULL,
    authorization_kind      TEXT    NULL,
    authorization_reference TEXT    NULL,
    source_agency_id        INTEGER NOT NULL REFERENCES agency (id),
    trace_request_id        INTEGER NULL REFERENCES trace_request (id),
    recorded_at             TEXT    NOT NULL
);
CREATE INDEX ix_custody_event_firearm ON custody_event (firearm_id, id);
CREATE INDEX ix_custody_event_request ON custody_event (trace_request_id) WHERE trace_request_id IS NOT NULL;
