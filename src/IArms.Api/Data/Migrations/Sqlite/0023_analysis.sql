-- Derived tables of the analysis (issue 13). Every row here is rewritten per firearm by
-- AnalysisIndex.RefreshAsync, in the transaction that changes the firearm's chain or record, and can
-- be rebuilt from custody_event and firearm at any time (`rebuild-analysis`). No foreign keys: these
-- rows follow their firearm by explicit calls, and a rebuild empties them wholesale.

-- Each distinct party key (canonical name, country, licence; '' for none) of every chain, with the
-- party id PartyResolver gave it and how many firearms' chains use it.
CREATE TABLE party_key (
    name_key     TEXT    NOT NULL,
    country_code TEXT    NOT NULL,
    licence      TEXT    NOT NULL,
    party_id     TEXT    NOT NULL,
    uses         INTEGER NOT NULL,
    PRIMARY KEY (name_key, country_code, licence)
);
CREATE INDEX ix_party_key_licence ON party_key (licence) WHERE licence <> '';

-- The keys of one firearm's chain: what its refresh adds to or takes from party_key.
CREATE TABLE firearm_party_key (
    firearm_id   INTEGER NOT NULL,
    name_key     TEXT    NOT NULL,
    country_code TEXT    NOT NULL,
    licence      TEXT    NOT NULL,
    PRIMARY KEY (firearm_id, name_key, country_code, licence)
);
CREATE INDEX ix_firearm_party_key_key ON firearm_party_key (name_key, country_code, licence);

-- Each change of country of one firearm, once per (from, to).
CREATE TABLE firearm_route_leg (
    firearm_id   INTEGER NOT NULL,
    from_country TEXT    NOT NULL,
    to_country   TEXT    NOT NULL,
    licensed     INTEGER NOT NULL,
    leg_date     TEXT    NOT NULL,
    PRIMARY KEY (firearm_id, from_country, to_country)
);

-- Where one firearm left lawful hands (only diverted firearms have a row).
CREATE TABLE firearm_diversion (
    firearm_id         INTEGER PRIMARY KEY,
    country_code       TEXT    NULL,
    party_id           TEXT    NULL,
    party_name         TEXT    NULL,
    party_kind         TEXT    NULL,
    party_country      TEXT    NULL,
    reason             TEXT    NOT NULL,
    time_to_crime_days INTEGER NULL,
    diversion_date     TEXT    NULL
);

-- The resolved parties of one firearm's chain, with their roles (PartyRole flags) there.
CREATE TABLE firearm_party (
    firearm_id   INTEGER NOT NULL,
    party_id     TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    country_code TEXT    NULL,
    roles        INTEGER NOT NULL,
    diverted     INTEGER NOT NULL,
    PRIMARY KEY (firearm_id, party_id)
);
CREATE INDEX ix_firearm_party_party ON firearm_party (party_id, firearm_id);
CREATE INDEX ix_firearm_party_diverted ON firearm_party (diverted, party_id);

-- The edges of the firearm–party graph, in chain order.
CREATE TABLE firearm_party_edge (
    firearm_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    party_id   TEXT    NOT NULL,
    event_type TEXT    NOT NULL,
    event_date TEXT    NOT NULL,
    PRIMARY KEY (firearm_id, seq)
);
CREATE INDEX ix_firearm_party_edge_party ON firearm_party_edge (party_id, firearm_id);

-- The parts of a record's serial that serial runs compare, with what a run reports.
CREATE TABLE firearm_serial_shape (
    firearm_id     INTEGER PRIMARY KEY,
    make_key       TEXT    NOT NULL,
    skeleton       TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    model          TEXT    NOT NULL,
    serial_number  TEXT    NOT NULL,
    case_reference TEXT    NOT NULL,
    place          TEXT    NOT NULL,
    country_code   TEXT    NULL,
    event_date     TEXT    NULL
);
CREATE INDEX ix_firearm_serial_shape_run ON firearm_serial_shape (make_key, skeleton, number);

-- Trends count events of a few types by date.
CREATE INDEX ix_custody_event_type_date ON custody_event (type, event_date);
