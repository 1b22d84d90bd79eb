-- Reference table: one canonical name for every make and calibre, with the spellings that mean the
-- same thing. The rows are not here: they live once, as data, in src/IArms.Api/Reference/reference-seed.json
-- (with their curation notes), which ReferenceSeeder applies to these tables while they are empty. (Databases
-- migrated before that change got the same rows from this script; the seeder then leaves them alone.)

CREATE TABLE reference_make (
    id INTEGER PRIMARY KEY,
    canonical_name TEXT NOT NULL UNIQUE,
    country_code TEXT NULL
);

CREATE TABLE reference_make_alias (
    id INTEGER PRIMARY KEY,
    make_id INTEGER NOT NULL REFERENCES reference_make(id),
    alias TEXT NOT NULL
);

CREATE INDEX ix_reference_make_alias_make_id ON reference_make_alias(make_id);

CREATE TABLE reference_calibre (
    id INTEGER PRIMARY KEY,
    canonical_name TEXT NOT NULL UNIQUE
);

CREATE TABLE reference_calibre_alias (
    id INTEGER PRIMARY KEY,
    calibre_id INTEGER NOT NULL REFERENCES reference_calibre(id),
    alias TEXT NOT NULL
);

CREATE INDEX ix_reference_calibre_alias_calibre_id ON reference_calibre_alias(calibre_id);
