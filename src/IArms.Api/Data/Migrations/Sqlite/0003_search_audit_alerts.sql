-- Serial search: every serial of a record (the main one and those on slide, barrel, frame...) with its
-- normalised and canonical forms (and the canonical one reversed), and the integer keys (padded trigrams and fuzzy-search segments,
-- see IArms.Core.Serials.SerialKeys) that find candidates without scanning the table.
CREATE TABLE firearm_serial (
    id         INTEGER PRIMARY KEY,
    firearm_id INTEGER NOT NULL REFERENCES firearm (id),
    location   TEXT    NOT NULL,
    serial     TEXT    NOT NULL,
    normalized TEXT    NOT NULL,
    canonical  TEXT    NOT NULL,
    reversed   TEXT    NOT NULL
);
CREATE INDEX ix_firearm_serial_firearm ON firearm_serial (firearm_id);
CREATE INDEX ix_firearm_serial_normalized ON firearm_serial (normalized);
CREATE INDEX ix_firearm_serial_canonical ON firearm_serial (canonical);
-- The canonical serial backwards, so that a pattern with a known ending (*4471KF) is a range scan.
CREATE INDEX ix_firearm_serial_reversed ON firearm_serial (reversed);

CREATE TABLE serial_key (
    key_value INTEGER NOT NULL,
    serial_id INTEGER NOT NULL,
    PRIMARY KEY (key_value, serial_id)
) WITHOUT ROWID;

-- Every search, written before its answer is sent.
CREATE TABLE audit_entry (
    id              INTEGER PRIMARY KEY,
    at              TEXT    NOT NULL,
    agency_id       INTEGER NOT NULL REFERENCES agency (id),
    key_id          INTEGER NOT NULL,
    action          TEXT    NOT NULL,
    search_id       TEXT    NULL,
    purpose         TEXT    NULL,
    case_reference  TEXT    NULL,
    query           TEXT    NOT NULL,
    result_count    INTEGER NOT NULL
);
CREATE INDEX ix_audit_agency ON audit_entry (agency_id, id);
CREATE INDEX ix_audit_at ON audit_entry (at, id);

-- An agency's inbox: hits on its records, trace requests, answers and overdue traces.
CREATE TABLE alert (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agency (id),
    kind             TEXT    NOT NULL,
    firearm_id       INTEGER NULL REFERENCES firearm (id),
    from_agency_id   INTEGER NULL REFERENCES agency (id),
    search_id        TEXT    NULL,
    trace_request_id INTEGER NULL,
    purpose          TEXT    NULL,
    message          TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    acknowledged_at  TEXT    NULL
);
CREATE INDEX ix_alert_inbox ON alert (agency_id, acknowledged_at, id);
-- One hit alert per search and record.
CREATE UNIQUE INDEX ux_alert_hit ON alert (search_id, firearm_id) WHERE kind = 'hit';
