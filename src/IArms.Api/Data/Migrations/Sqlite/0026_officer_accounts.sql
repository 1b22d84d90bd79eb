-- Officer accounts (issue 18): individuals of an agency who sign in to the officer's page with a password and a
-- TOTP second factor. The enrolment code and the password are stored only as hashes; the TOTP secret must be
-- readable to check codes. last_totp_step refuses a code used once; failed_attempts and locked_until lock the
-- account for 30 minutes after 5 failures. disabled_at ends every session of the account at once.
CREATE TABLE officer (
    id                   INTEGER PRIMARY KEY,
    agency_id            INTEGER NOT NULL REFERENCES agency (id),
    username             TEXT    NOT NULL,
    display_name         TEXT    NOT NULL,
    roles                TEXT    NOT NULL,
    enrolment_hash       BLOB    NULL,
    enrolment_expires_at TEXT    NULL,
    password_hash        TEXT    NULL,
    totp_secret          BLOB    NULL,
    last_totp_step       INTEGER NOT NULL DEFAULT 0,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT    NULL,
    created_at           TEXT    NOT NULL,
    enrolled_at          TEXT    NULL,
    disabled_at          TEXT    NULL
);
CREATE UNIQUE INDEX ux_officer_username ON officer (username);
CREATE INDEX ix_officer_agency ON officer (agency_id);
CREATE UNIQUE INDEX ux_officer_enrolment ON officer (enrolment_hash) WHERE enrolment_hash IS NOT NULL;
