-- Serial search: every serial of a record (the main one and those on slide, barrel, frame...) with its
-- normalised and canonical forms (and the canonical one reversed), and the integer keys (padded trigrams and fuzzy-search segments,
-- see IArms.Core.Serials.SerialKeys) that find candidates without scanning the table.
CREATE TABLE firearm_serial (
    id         BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_firearm_serial PRIMARY KEY,
    firearm_id BIGINT       NOT NULL CONSTRAINT fk_firearm_serial_firearm REFERENCES firearm (id),
    location   NVARCHAR(16)  NOT NULL,
    serial     NVARCHAR(64) NOT NULL,
    normalized NVARCHAR(64)  NOT NULL,
    canonical  NVARCHAR(64)  NOT NULL,
    reversed   NVARCHAR(64)  NOT NULL
);
CREATE INDEX ix_firearm_serial_firearm ON firearm_serial (firearm_id);
CREATE INDEX ix_firearm_serial_normalized ON firearm_serial (normalized);
CREATE INDEX ix_firearm_serial_canonical ON firearm_serial (canonical);
-- The canonical serial backwards, so that a pattern with a known ending (*4471KF) is a range scan.
CREATE INDEX ix_firearm_serial_reversed ON firearm_serial (reversed);

CREATE TABLE serial_key (
    key_value BIGINT NOT NULL,
    serial_id BIGINT NOT NULL,
    CONSTRAINT pk_serial_key PRIMARY KEY CLUSTERED (key_value, serial_id)
) WITH (DATA_COMPRESSION = PAGE);

-- Every search, written before its answer is sent.
CREATE TABLE audit_entry (
    id             BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_audit_entry PRIMARY KEY,
    at             DATETIMEOFFSET(7) NOT NULL,
    agency_id      BIGINT         NOT NULL CONSTRAINT fk_audit_agency REFERENCES agency (id),
    key_id         BIGINT         NOT NULL,
    action         NVARCHAR(32)    NOT NULL,
    search_id      NVARCHAR(36)    NULL,
    purpose        NVARCHAR(32)    NULL,
    case_reference NVARCHAR(100)  NULL,
    query          NVARCHAR(2000) NOT NULL,
    result_count   INT            NOT NULL
);
CREATE INDEX ix_audit_agency ON audit_entry (agency_id, id);
CREATE INDEX ix_audit_at ON audit_entry (at, id);

-- An agency's inbox: hits on its records, trace requests, answers and overdue traces.
CREATE TABLE alert (
    id               BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_alert PRIMARY KEY,
    agency_id        BIGINT         NOT NULL CONSTRAINT fk_alert_agency REFERENCES agency (id),
    kind             NVARCHAR(32)    NOT NULL,
    firearm_id       BIGINT         NULL CONSTRAINT fk_alert_firearm REFERENCES firearm (id),
    from_agency_id   BIGINT         NULL CONSTRAINT fk_alert_from_agency REFERENCES agency (id),
    search_id        NVARCHAR(36)    NULL,
    trace_request_id BIGINT         NULL,
    purpose          NVARCHAR(32)    NULL,
    message          NVARCHAR(1000) NOT NULL,
    created_at       DATETIMEOFFSET(7) NOT NULL,
    acknowledged_at  DATETIMEOFFSET(7) NULL
);
CREATE INDEX ix_alert_inbox ON alert (agency_id, acknowledged_at, id);
-- One hit alert per search and record.
CREATE UNIQUE INDEX ux_alert_hit ON alert (search_id, firearm_id) WHERE kind = 'hit';
