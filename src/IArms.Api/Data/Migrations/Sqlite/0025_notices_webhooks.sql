-- Hit alerts are grouped (issue 15): one open hit per firearm and searching agency, counting its searches.
-- search_id becomes the latest search's id; first_search_id/created_at are the first search, last_hit_at the latest.
ALTER TABLE alert ADD COLUMN hit_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE alert ADD COLUMN first_search_id TEXT NULL;
ALTER TABLE alert ADD COLUMN last_hit_at TEXT NULL;
ALTER TABLE alert ADD COLUMN notice_id INTEGER NULL;
UPDATE alert SET first_search_id = search_id, last_hit_at = created_at WHERE kind = 'hit';
-- A search hits a record once per addressed agency: the owner, and the sender of a notice naming it.
DROP INDEX ux_alert_hit;
CREATE UNIQUE INDEX ux_alert_hit ON alert (search_id, firearm_id, agency_id) WHERE kind = 'hit';
-- The latest hit a new search joins or reopens (not unique: inboxes written before grouping hold many).
CREATE INDEX ix_alert_hit_group ON alert (agency_id, firearm_id, from_agency_id, id) WHERE kind = 'hit';

-- Notices (issue 17): one country's alert about firearms to many.
CREATE TABLE notice (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agency (id),
    kind             TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL,
    all_countries    INTEGER NOT NULL,
    run_make         TEXT    NULL,
    run_first        TEXT    NULL,
    run_last         TEXT    NULL,
    run_skeleton     TEXT    NULL,
    run_first_number INTEGER NULL,
    run_last_number  INTEGER NULL,
    created_at       TEXT    NOT NULL,
    expires_at       TEXT    NULL,
    withdrawn_at     TEXT    NULL
);
CREATE INDEX ix_notice_agency ON notice (agency_id, id);
CREATE TABLE notice_country (
    notice_id    INTEGER NOT NULL REFERENCES notice (id),
    country_code TEXT    NOT NULL,
    PRIMARY KEY (notice_id, country_code)
);
CREATE INDEX ix_notice_country ON notice_country (country_code, notice_id);
CREATE TABLE notice_firearm (
    notice_id  INTEGER NOT NULL REFERENCES notice (id),
    firearm_id INTEGER NOT NULL REFERENCES firearm (id),
    PRIMARY KEY (notice_id, firearm_id)
);
-- The search's lookup: which notices name these firearms.
CREATE INDEX ix_notice_firearm_firearm ON notice_firearm (firearm_id, notice_id);
-- One row per addressed agency, written with the notice; acknowledged_at set by that agency.
CREATE TABLE notice_recipient (
    notice_id       INTEGER NOT NULL REFERENCES notice (id),
    agency_id       INTEGER NOT NULL REFERENCES agency (id),
    acknowledged_at TEXT    NULL,
    PRIMARY KEY (notice_id, agency_id)
);
CREATE INDEX ix_notice_recipient_agency ON notice_recipient (agency_id, notice_id);

-- Webhooks (issue 17): endpoints of national systems, the events each subscribes to, and the outbox.
-- secret is encrypted (AES-GCM, key from configuration); previous_secret still signs until previous_secret_until.
CREATE TABLE webhook_endpoint (
    id                    INTEGER PRIMARY KEY,
    agency_id             INTEGER NOT NULL REFERENCES agency (id),
    url                   TEXT    NOT NULL,
    events                TEXT    NOT NULL,
    secret                BLOB    NOT NULL,
    previous_secret       BLOB    NULL,
    previous_secret_until TEXT    NULL,
    created_at            TEXT    NOT NULL,
    deleted_at            TEXT    NULL
);
CREATE INDEX ix_webhook_endpoint_agency ON webhook_endpoint (agency_id, id);
CREATE TABLE webhook_subscription (
    agency_id   INTEGER NOT NULL REFERENCES agency (id),
    event       TEXT    NOT NULL,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoint (id),
    PRIMARY KEY (agency_id, event, endpoint_id)
);
-- One row per message and endpoint, written in the transaction of the alert that causes it. order_key (the firearm)
-- keeps one endpoint's deliveries about one firearm in order; lease_until/lease_token are a dispatcher's claim, which
-- expires; retries end 24 hours after created_at, or after retry_from once redelivered by hand.
CREATE TABLE webhook_delivery (
    id               INTEGER PRIMARY KEY,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoint (id),
    alert_id         INTEGER NULL,
    event            TEXT    NOT NULL,
    order_key        INTEGER NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT    NOT NULL,
    lease_until      TEXT    NULL,
    lease_token      TEXT    NULL,
    retry_from       TEXT    NULL,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT    NULL,
    last_status_code INTEGER NULL,
    last_duration_ms INTEGER NULL,
    last_error       TEXT    NULL,
    last_response    TEXT    NULL
);
CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (status, next_attempt_at, id);
CREATE INDEX ix_webhook_delivery_endpoint ON webhook_delivery (endpoint_id, id);
CREATE INDEX ix_webhook_delivery_order ON webhook_delivery (endpoint_id, order_key, status, id);
CREATE TABLE webhook_attempt (
    id            INTEGER PRIMARY KEY,
    delivery_id   INTEGER NOT NULL REFERENCES webhook_delivery (id),
    attempted_at  TEXT    NOT NULL,
    status_code   INTEGER NULL,
    duration_ms   INTEGER NOT NULL,
    error         TEXT    NULL,
    response_body TEXT    NULL
);
CREATE INDEX ix_webhook_attempt_delivery ON webhook_attempt (delivery_id, id);
