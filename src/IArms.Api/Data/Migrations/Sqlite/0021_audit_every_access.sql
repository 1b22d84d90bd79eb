-- Audit of every access (issue 11): who (agency and key, both absent for a failed authentication; the officer,
-- filled by a later feature), from where, what (action, object, query), the outcome and the status answered,
-- and a SHA-256 chained to the entry before (tamper evidence). SQLite cannot relax NOT NULL in place, so the
-- table is rebuilt; AUTOINCREMENT so that an id is never reused once retention has purged the newest rows,
-- which the chain's anchor relies on. Entries written before this migration get their hash from the audit
-- writer at its next start (AuditLog), in id order.
CREATE TABLE audit_entry_v21 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT    NOT NULL,
    agency_id       INTEGER NULL REFERENCES agency (id),
    key_id          INTEGER NULL,
    officer         TEXT    NULL,
    source_address  TEXT    NULL,
    action          TEXT    NOT NULL,
    object_id       TEXT    NULL,
    outcome         TEXT    NOT NULL,
    status_code     INTEGER NULL,
    search_id       TEXT    NULL,
    purpose         TEXT    NULL,
    case_reference  TEXT    NULL,
    query           TEXT    NOT NULL,
    result_count    INTEGER NULL,
    hash            BLOB    NULL
);
INSERT INTO audit_entry_v21 (id, at, agency_id, key_id, action, outcome, status_code, search_id, purpose, case_reference, query, result_count)
SELECT id, at, agency_id, key_id, action, 'allowed', 200, search_id, purpose, case_reference, query, result_count FROM audit_entry;
DROP TABLE audit_entry;
ALTER TABLE audit_entry_v21 RENAME TO audit_entry;
CREATE INDEX ix_audit_agency ON audit_entry (agency_id, id);
CREATE INDEX ix_audit_at ON audit_entry (at, id);
CREATE INDEX ix_audit_object ON audit_entry (object_id, id);

-- The chain's anchor: the id and hash of the last entry retention purged (one row, written in the purge's
-- transaction), so that the chain stays verifiable from the first kept entry.
CREATE TABLE audit_anchor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_entry_id INTEGER NOT NULL,
    last_hash     BLOB    NOT NULL,
    purged_at     TEXT    NOT NULL
);
