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
