-- Agencies, their API keys, and firearm records.
CREATE TABLE agency (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    country_code TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_agency_code ON agency (code);

CREATE TABLE api_key (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agency (id),
    key_hash   BLOB    NOT NULL,
    key_prefix TEXT    NOT NULL,
    roles      TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    revoked_at TEXT    NULL
);
CREATE UNIQUE INDEX ux_api_key_hash ON api_key (key_hash);
CREATE INDEX ix_api_key_agency ON api_key (agency_id);

CREATE TABLE firearm (
    id                     INTEGER PRIMARY KEY,
    owner_agency_id        INTEGER NOT NULL REFERENCES agency (id),
    external_id            TEXT    NOT NULL,
    serial_number          TEXT    NOT NULL,
    normalized_serial      TEXT    NOT NULL,
    canonical_serial       TEXT    NOT NULL,
    other_serials          TEXT    NOT NULL,
    make                   TEXT    NOT NULL,
    model                  TEXT    NOT NULL,
    calibre                TEXT    NOT NULL,
    type                   TEXT    NOT NULL,
    canonical_make         TEXT    NULL,
    canonical_calibre      TEXT    NULL,
    country_of_manufacture TEXT    NULL,
    year_of_manufacture    INTEGER NULL,
    import_marking         TEXT    NOT NULL,
    status                 TEXT    NOT NULL,
    event_date             TEXT    NULL,
    event_country_code     TEXT    NULL,
    event_place            TEXT    NOT NULL,
    case_reference         TEXT    NOT NULL,
    obliterated_serial     INTEGER NOT NULL,
    visibility_scope       TEXT    NOT NULL,
    notes                  TEXT    NOT NULL,
    content_hash           TEXT    NOT NULL,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    withdrawn_at           TEXT    NULL,
    version                INTEGER NOT NULL DEFAULT 1
);
-- A national system may resend a record: its external id is unique among the agency's live records.
CREATE UNIQUE INDEX ux_firearm_external ON firearm (owner_agency_id, external_id) WHERE withdrawn_at IS NULL;
CREATE INDEX ix_firearm_updated ON firearm (updated_at, id);

-- The countries a restricted record is shown to (visibility scope 'countries').
CREATE TABLE firearm_visibility (
    firearm_id   INTEGER NOT NULL REFERENCES firearm (id),
    country_code TEXT    NOT NULL,
    PRIMARY KEY (firearm_id, country_code)
) WITHOUT ROWID;
