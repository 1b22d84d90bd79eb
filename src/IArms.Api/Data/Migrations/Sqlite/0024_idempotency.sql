-- Idempotency-Key (issue 14): the first answer to a creating POST, per agency and key, replayed for 24 hours to a
-- resend of the same request. A row without a status is a request still in flight. The key column is not named
-- "key", a reserved word in T-SQL.
CREATE TABLE idempotency_entry (
    agency_id        INTEGER NOT NULL REFERENCES agency (id),
    idempotency_key  TEXT    NOT NULL,
    request_hash     BLOB    NOT NULL,
    status           INTEGER NULL,
    headers          TEXT    NULL,
    body             BLOB    NULL,
    created_at       TEXT    NOT NULL,
    completed_at     TEXT    NULL,
    PRIMARY KEY (agency_id, idempotency_key)
);
-- The purge deletes by age.
CREATE INDEX ix_idempotency_entry_created ON idempotency_entry (created_at);
