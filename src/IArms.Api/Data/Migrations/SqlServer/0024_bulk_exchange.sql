-- Idempotency-Key (issue 14): the first answer to a creating POST, per agency and key, replayed for 24 hours to a
-- resend of the same request. A row without a status is a request still in flight. The key column is not named
-- "key", a reserved word in T-SQL.
CREATE TABLE idempotency_entry (
    agency_id        BIGINT            NOT NULL CONSTRAINT fk_idempotency_entry_agency REFERENCES agency (id),
    idempotency_key  NVARCHAR(255)     NOT NULL,
    request_hash     VARBINARY(32)     NOT NULL,
    status           INT               NULL,
    headers          NVARCHAR(MAX)     NULL,
    body             VARBINARY(MAX)    NULL,
    created_at       DATETIMEOFFSET(7) NOT NULL,
    completed_at     DATETIMEOFFSET(7) NULL,
    CONSTRAINT pk_idempotency_entry PRIMARY KEY (agency_id, idempotency_key)
);
-- The purge deletes by age.
CREATE INDEX ix_idempotency_entry_created ON idempotency_entry (created_at);

-- Import jobs: the uploaded file lies on disk; next_line/next_offset and the counts are the checkpoint, written in
-- the same transaction as each chunk of rows, so a job resumed after a crash continues exactly after the last
-- committed chunk.
CREATE TABLE import_job (
    id               BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_import_job PRIMARY KEY,
    agency_id        BIGINT            NOT NULL CONSTRAINT fk_import_job_agency REFERENCES agency (id),
    key_id           BIGINT            NOT NULL,
    format           NVARCHAR(16)      NOT NULL,
    status           NVARCHAR(16)      NOT NULL,
    file_name        NVARCHAR(200)     NOT NULL,
    next_line        BIGINT            NOT NULL,
    next_offset      BIGINT            NOT NULL,
    rows_read        BIGINT            NOT NULL,
    created          BIGINT            NOT NULL,
    updated          BIGINT            NOT NULL,
    unchanged        BIGINT            NOT NULL,
    rejected         BIGINT            NOT NULL,
    cancel_requested BIT               NOT NULL,
    failure          NVARCHAR(2000)    NULL,
    created_at       DATETIMEOFFSET(7) NOT NULL,
    started_at       DATETIMEOFFSET(7) NULL,
    finished_at      DATETIMEOFFSET(7) NULL
);
CREATE INDEX ix_import_job_agency ON import_job (agency_id, id);
CREATE INDEX ix_import_job_status ON import_job (status, id);

-- The rejected rows of a job, with the same error map a single POST answers.
CREATE TABLE import_error (
    job_id       BIGINT         NOT NULL CONSTRAINT fk_import_error_job REFERENCES import_job (id),
    line         BIGINT         NOT NULL,
    external_id  NVARCHAR(100)  NULL,
    errors       NVARCHAR(MAX)  NOT NULL,
    CONSTRAINT pk_import_error PRIMARY KEY (job_id, line)
);
