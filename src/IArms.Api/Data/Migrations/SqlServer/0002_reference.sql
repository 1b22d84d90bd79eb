-- Reference table: one canonical name for every make and calibre, with the spellings that mean the
-- same thing. The rows are not here: they live once, as data, in src/IArms.Api/Reference/reference-seed.json
-- (with their curation notes), which ReferenceSeeder applies to these tables while they are empty. (Databases
-- migrated before that change got the same rows from this script; the seeder then leaves them alone.)

CREATE TABLE reference_make (
    id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_reference_make PRIMARY KEY,
    canonical_name NVARCHAR(200) NOT NULL CONSTRAINT uq_reference_make_canonical_name UNIQUE,
    country_code CHAR(2) NULL
);

CREATE TABLE reference_make_alias (
    id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_reference_make_alias PRIMARY KEY,
    make_id BIGINT NOT NULL CONSTRAINT fk_reference_make_alias_make REFERENCES reference_make(id),
    alias NVARCHAR(200) NOT NULL
);

CREATE INDEX ix_reference_make_alias_make_id ON reference_make_alias(make_id);

CREATE TABLE reference_calibre (
    id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_reference_calibre PRIMARY KEY,
    canonical_name NVARCHAR(200) NOT NULL CONSTRAINT uq_reference_calibre_canonical_name UNIQUE
);

CREATE TABLE reference_calibre_alias (
    id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_reference_calibre_alias PRIMARY KEY,
    calibre_id BIGINT NOT NULL CONSTRAINT fk_reference_calibre_alias_calibre REFERENCES reference_calibre(id),
    alias NVARCHAR(200) NOT NULL
);

CREATE INDEX ix_reference_calibre_alias_calibre_id ON reference_calibre_alias(calibre_id);
