-- Audit of every access (issue 11): who (agency and key, both absent for a failed authentication; the officer,
-- filled by a later feature), from where, what (action, object, query), the outcome and the status answered,
-- and a SHA-256 chained to the entry before (tamper evidence). The index and the foreign key on agency_id are
-- dropped and recreated around relaxing its NOT NULL, which SQL Server refuses while they depend on it.
-- Entries written before this migration get their hash from the audit writer at its next start (AuditLog).
DROP INDEX ix_audit_agency ON audit_entry;
ALTER TABLE audit_entry DROP CONSTRAINT fk_audit_agency;
ALTER TABLE audit_entry ALTER COLUMN agency_id BIGINT NULL;
ALTER TABLE audit_entry ALTER COLUMN key_id BIGINT NULL;
ALTER TABLE audit_entry ALTER COLUMN result_count INT NULL;
ALTER TABLE audit_entry ADD CONSTRAINT fk_audit_agency FOREIGN KEY (agency_id) REFERENCES agency (id);
CREATE INDEX ix_audit_agency ON audit_entry (agency_id, id);
ALTER TABLE audit_entry ADD
    officer        NVARCHAR(100) NULL,
    source_address NVARCHAR(64)  NULL,
    object_id      NVARCHAR(200) NULL,
    outcome        NVARCHAR(32)  NOT NULL CONSTRAINT df_audit_outcome DEFAULT 'allowed',
    status_code    INT           NULL,
    hash           VARBINARY(32) NULL;
GO
UPDATE audit_entry SET status_code = 200 WHERE status_code IS NULL;
CREATE INDEX ix_audit_object ON audit_entry (object_id, id);

-- The chain's anchor: the id and hash of the last entry retention purged (one row, written in the purge's
-- transaction), so that the chain stays verifiable from the first kept entry.
CREATE TABLE audit_anchor (
    id            INT               NOT NULL CONSTRAINT pk_audit_anchor PRIMARY KEY CONSTRAINT ck_audit_anchor_one CHECK (id = 1),
    last_entry_id BIGINT            NOT NULL,
    last_hash     VARBINARY(32)     NOT NULL,
    purged_at     DATETIMEOFFSET(7) NOT NULL
);
