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

-- Import jobs: the uploaded file lies on disk; next_line/next_offset and the counts are the checkpoint, written in
-- the same transaction as each chunk of rows, so a job resumed after a crash continues exactly after the last
-- committed chunk.
CREATE TABLE import_job (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id        INTEGER NOT NULL REFERENCES agency (id),
    key_id           INTEGER NOT NULL,
    format           TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    file_name        TEXT    NOT NULL,
    next_line        INTEGER NOT NULL,
    next_offset      INTEGER NOT NULL,
    rows_read        INTEGER NOT NULL,
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    unchanged        INTEGER NOT NULL,
    rejected         INTEGER NOT NULL,
    cancel_requested INTEGER NOT NULL,
    failure          TEXT    NULL,
    created_at       TEXT    NOT NULL,
    started_at       TEXT    NULL,
    finished_at      TEXT    NULL
);
CREATE INDEX ix_import_job_agency ON import_job (agency_id, id);
CREATE INDEX ix_import_job_status ON import_job (status, id);

-- The rejected rows of a job, with the same error map a single POST answers.
CREATE TABLE import_error (
    job_id       INTEGER NOT NULL REFERENCES import_job (id),
    line         INTEGER NOT NULL,
    external_id  TEXT    NULL,
    errors       TEXT    NOT NULL,
    PRIMARY KEY (job_id, line)
);
