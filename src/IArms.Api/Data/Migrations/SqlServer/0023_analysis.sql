-- Derived tables of the analysis (issue 13). Every row here is rewritten per firearm by
-- AnalysisIndex.RefreshAsync, in the transaction that changes the firearm's chain or record, and can
-- be rebuilt from custody_event and firearm at any time (`rebuild-analysis`). No foreign keys: these
-- rows follow their firearm by explicit calls, and a rebuild empties them wholesale.

-- Each distinct party key (canonical name, country, licence; '' for none) of every chain, with the
-- party id PartyResolver gave it and how many firearms' chains use it.
CREATE TABLE party_key (
    name_key     NVARCHAR(200) NOT NULL,
    country_code NVARCHAR(2)   NOT NULL,
    licence      NVARCHAR(100) NOT NULL,
    party_id     NVARCHAR(20)  NOT NULL,
    uses         INT           NOT NULL,
    CONSTRAINT pk_party_key PRIMARY KEY (name_key, country_code, licence)
);
CREATE INDEX ix_party_key_licence ON party_key (licence) WHERE licence <> '';

-- The keys of one firearm's chain: what its refresh adds to or takes from party_key.
CREATE TABLE firearm_party_key (
    firearm_id   BIGINT        NOT NULL,
    name_key     NVARCHAR(200) NOT NULL,
    country_code NVARCHAR(2)   NOT NULL,
    licence      NVARCHAR(100) NOT NULL,
    CONSTRAINT pk_firearm_party_key PRIMARY KEY (firearm_id, name_key, country_code, licence)
);
CREATE INDEX ix_firearm_party_key_key ON firearm_party_key (name_key, country_code, licence);

-- Each change of country of one firearm, once per (from, to).
CREATE TABLE firearm_route_leg (
    firearm_id   BIGINT      NOT NULL,
    from_country NVARCHAR(2) NOT NULL,
    to_country   NVARCHAR(2) NOT NULL,
    licensed     INT         NOT NULL,
    leg_date     DATE        NOT NULL,
    CONSTRAINT pk_firearm_route_leg PRIMARY KEY (firearm_id, from_country, to_country)
);

-- Where one firearm left lawful hands (only diverted firearms have a row).
CREATE TABLE firearm_diversion (
    firearm_id         BIGINT        NOT NULL CONSTRAINT pk_firearm_diversion PRIMARY KEY,
    country_code       NVARCHAR(2)   NULL,
    party_id           NVARCHAR(20)  NULL,
    party_name         NVARCHAR(200) NULL,
    party_kind         NVARCHAR(32)  NULL,
    party_country      NVARCHAR(2)   NULL,
    reason             NVARCHAR(32)  NOT NULL,
    time_to_crime_days INT           NULL,
    diversion_date     DATE          NULL
);

-- The resolved parties of one firearm's chain, with their roles (PartyRole flags) there.
CREATE TABLE firearm_party (
    firearm_id   BIGINT        NOT NULL,
    party_id     NVARCHAR(20)  NOT NULL,
    name         NVARCHAR(200) NOT NULL,
    kind         NVARCHAR(32)  NOT NULL,
    country_code NVARCHAR(2)   NULL,
    roles        INT           NOT NULL,
    diverted     INT           NOT NULL,
    CONSTRAINT pk_firearm_party PRIMARY KEY (firearm_id, party_id)
);
CREATE INDEX ix_firearm_party_party ON firearm_party (party_id, firearm_id);
CREATE INDEX ix_firearm_party_diverted ON firearm_party (diverted, party_id);

-- The edges of the firearm–party graph, in chain order.
CREATE TABLE firearm_party_edge (
    firearm_id BIGINT       NOT NULL,
    seq        INT          NOT NULL,
    party_id   NVARCHAR(20) NOT NULL,
    event_type NVARCHAR(32) NOT NULL,
    event_date DATE         NOT NULL,
    CONSTRAINT pk_firearm_party_edge PRIMARY KEY (firearm_id, seq)
);
CREATE INDEX ix_firearm_party_edge_party ON firearm_party_edge (party_id, firearm_id);

-- The parts of a record's serial that serial runs compare, with what a run reports.
CREATE TABLE firearm_serial_shape (
    firearm_id     BIGINT        NOT NULL CONSTRAINT pk_firearm_serial_shape PRIMARY KEY,
    make_key       NVARCHAR(200) NOT NULL,
    skeleton       NVARCHAR(100) NOT NULL,
    number         BIGINT        NOT NULL,
    model          NVARCHAR(200) NOT NULL,
    serial_number  NVARCHAR(100) NOT NULL,
    case_reference NVARCHAR(100) NOT NULL,
    place          NVARCHAR(200) NOT NULL,
    country_code   NVARCHAR(2)   NULL,
    event_date     DATE          NULL
);
CREATE INDEX ix_firearm_serial_shape_run ON firearm_serial_shape (make_key, skeleton, number);

-- Trends count events of a few types by date.
CREATE INDEX ix_custody_event_type_date ON custody_event (type, event_date);
