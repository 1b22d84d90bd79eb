-- Officer accounts (issue 18): individuals of an agency who sign in to the officer's page with a password and a
-- TOTP second factor. The enrolment code and the password are stored only as hashes; the TOTP secret must be
-- readable to check codes. last_totp_step refuses a code used once; failed_attempts and locked_until lock the
-- account for 30 minutes after 5 failures. disabled_at ends every session of the account at once.
CREATE TABLE officer (
    id                   BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_officer PRIMARY KEY,
    agency_id            BIGINT         NOT NULL CONSTRAINT fk_officer_agency REFERENCES agency (id),
    username             NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    display_name         NVARCHAR(200)  NOT NULL,
    roles                NVARCHAR(100)  NOT NULL,
    enrolment_hash       VARBINARY(32)  NULL,
    enrolment_expires_at DATETIMEOFFSET(7) NULL,
    password_hash        NVARCHAR(400)  NULL,
    totp_secret          VARBINARY(64)  NULL,
    last_totp_step       BIGINT         NOT NULL CONSTRAINT df_officer_last_totp_step DEFAULT 0,
    failed_attempts      INT            NOT NULL CONSTRAINT df_officer_failed_attempts DEFAULT 0,
    locked_until         DATETIMEOFFSET(7) NULL,
    created_at           DATETIMEOFFSET(7) NOT NULL,
    enrolled_at          DATETIMEOFFSET(7) NULL,
    disabled_at          DATETIMEOFFSET(7) NULL
);
CREATE UNIQUE INDEX ux_officer_username ON officer (username);
CREATE INDEX ix_officer_agency ON officer (agency_id);
CREATE UNIQUE INDEX ux_officer_enrolment ON officer (enrolment_hash) WHERE enrolment_hash IS NOT NULL;
