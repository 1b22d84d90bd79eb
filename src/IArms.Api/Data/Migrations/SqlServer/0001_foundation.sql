-- Agencies, their API keys, and firearm records.
CREATE TABLE agency (
    id           BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_agency PRIMARY KEY,
    code         NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    name         NVARCHAR(200) NOT NULL,
    country_code NCHAR(2)       NOT NULL,
    created_at   DATETIMEOFFSET(7) NOT NULL
);
CREATE UNIQUE INDEX ux_agency_code ON agency (code);

CREATE TABLE api_key (
    id         BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_api_key PRIMARY KEY,
    agency_id  BIGINT         NOT NULL CONSTRAINT fk_api_key_agency REFERENCES agency (id),
    key_hash   VARBINARY(32)  NOT NULL,
    key_prefix NVARCHAR(16)   NOT NULL,
    roles      NVARCHAR(100)  NOT NULL,
    label      NVARCHAR(200)  NOT NULL,
    created_at DATETIMEOFFSET(7) NOT NULL,
    revoked_at DATETIMEOFFSET(7) NULL
);
CREATE UNIQUE INDEX ux_api_key_hash ON api_key (key_hash);
CREATE INDEX ix_api_key_agency ON api_key (agency_id);

CREATE TABLE firearm (
    id                     BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_firearm PRIMARY KEY,
    owner_agency_id        BIGINT         NOT NULL CONSTRAINT fk_firearm_agency REFERENCES agency (id),
    external_id            NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    serial_number          NVARCHAR(64)   NOT NULL,
    normalized_serial      NVARCHAR(64)    NOT NULL,
    canonical_serial       NVARCHAR(64)    NOT NULL,
    other_serials          NVARCHAR(MAX)  NOT NULL,
    make                   NVARCHAR(100)  NOT NULL,
    model                  NVARCHAR(100)  NOT NULL,
    calibre                NVARCHAR(50)   NOT NULL,
    type                   NVARCHAR(32)    NOT NULL,
    canonical_make         NVARCHAR(200)  NULL,
    canonical_calibre      NVARCHAR(200)  NULL,
    country_of_manufacture NCHAR(2)        NULL,
    year_of_manufacture    INT            NULL,
    import_marking         NVARCHAR(200)  NOT NULL,
    status                 NVARCHAR(16)    NOT NULL,
    event_date             DATE           NULL,
    event_country_code     NCHAR(2)        NULL,
    event_place            NVARCHAR(200)  NOT NULL,
    case_reference         NVARCHAR(100)  NOT NULL,
    obliterated_serial     BIT            NOT NULL,
    visibility_scope       NVARCHAR(16)    NOT NULL,
    notes                  NVARCHAR(4000) NOT NULL,
    content_hash           CHAR(64)       NOT NULL,
    created_at             DATETIMEOFFSET(7) NOT NULL,
    updated_at             DATETIMEOFFSET(7) NOT NULL,
    withdrawn_at           DATETIMEOFFSET(7) NULL,
    row_version            ROWVERSION     NOT NULL
);
-- A national system may resend a record: its external id is unique among the agency's live records.
CREATE UNIQUE INDEX ux_firearm_external ON firearm (owner_agency_id, external_id) WHERE withdrawn_at IS NULL;
CREATE INDEX ix_firearm_updated ON firearm (updated_at, id);

-- The countries a restricted record is shown to (visibility scope 'countries').
CREATE TABLE firearm_visibility (
    firearm_id   BIGINT  NOT NULL CONSTRAINT fk_firearm_visibility_firearm REFERENCES firearm (id),
    country_code NCHAR(2) NOT NULL,
    CONSTRAINT pk_firearm_visibility PRIMARY KEY (firearm_id, country_code)
);
