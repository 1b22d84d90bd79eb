-- Hit alerts are grouped (issue 15): one open hit per firearm and searching agency, counting its searches.
-- search_id becomes the latest search's id; first_search_id/created_at are the first search, last_hit_at the latest.
ALTER TABLE alert ADD hit_count INT NOT NULL CONSTRAINT df_alert_hit_count DEFAULT 1,
    first_search_id NVARCHAR(36) NULL, last_hit_at DATETIMEOFFSET(7) NULL, notice_id BIGINT NULL;
GO
UPDATE alert SET first_search_id = search_id, last_hit_at = created_at WHERE kind = 'hit';
-- A search hits a record once per addressed agency: the owner, and the sender of a notice naming it.
DROP INDEX ux_alert_hit ON alert;
CREATE UNIQUE INDEX ux_alert_hit ON alert (search_id, firearm_id, agency_id) WHERE kind = 'hit';
-- The latest hit a new search joins or reopens (not unique: inboxes written before grouping hold many).
CREATE INDEX ix_alert_hit_group ON alert (agency_id, firearm_id, from_agency_id, id) WHERE kind = 'hit';

-- Notices (issue 17): one country's alert about firearms to many.
CREATE TABLE notice (
    id               BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_notice PRIMARY KEY,
    agency_id        BIGINT            NOT NULL CONSTRAINT fk_notice_agency REFERENCES agency (id),
    kind             NVARCHAR(32)      NOT NULL,
    title            NVARCHAR(200)     NOT NULL,
    summary          NVARCHAR(4000)    NOT NULL,
    all_countries    BIT               NOT NULL,
    run_make         NVARCHAR(100)     NULL,
    run_first        NVARCHAR(64)      NULL,
    run_last         NVARCHAR(64)      NULL,
    run_skeleton     NVARCHAR(64)      NULL,
    run_first_number BIGINT            NULL,
    run_last_number  BIGINT            NULL,
    created_at       DATETIMEOFFSET(7) NOT NULL,
    expires_at       DATETIMEOFFSET(7) NULL,
    withdrawn_at     DATETIMEOFFSET(7) NULL
);
CREATE INDEX ix_notice_agency ON notice (agency_id, id);
CREATE TABLE notice_country (
    notice_id    BIGINT      NOT NULL CONSTRAINT fk_notice_country_notice REFERENCES notice (id),
    country_code NVARCHAR(2) NOT NULL,
    CONSTRAINT pk_notice_country PRIMARY KEY (notice_id, country_code)
);
CREATE INDEX ix_notice_country ON notice_country (country_code, notice_id);
CREATE TABLE notice_firearm (
    notice_id  BIGINT NOT NULL CONSTRAINT fk_notice_firearm_notice REFERENCES notice (id),
    firearm_id BIGINT NOT NULL CONSTRAINT fk_notice_firearm_firearm REFERENCES firearm (id),
    CONSTRAINT pk_notice_firearm PRIMARY KEY (notice_id, firearm_id)
);
-- The search's lookup: which notices name these firearms.
CREATE INDEX ix_notice_firearm_firearm ON notice_firearm (firearm_id, notice_id);
-- One row per addressed agency, written with the notice; acknowledged_at set by that agency.
CREATE TABLE notice_recipient (
    notice_id       BIGINT            NOT NULL CONSTRAINT fk_notice_recipient_notice REFERENCES notice (id),
    agency_id       BIGINT            NOT NULL CONSTRAINT fk_notice_recipient_agency REFERENCES agency (id),
    acknowledged_at DATETIMEOFFSET(7) NULL,
    CONSTRAINT pk_notice_recipient PRIMARY KEY (notice_id, agency_id)
);
CREATE INDEX ix_notice_recipient_agency ON notice_recipient (agency_id, notice_id);

-- Webhooks (issue 17): endpoints of national systems, the events each subscribes to, and the outbox.
-- secret is encrypted (AES-GCM, key from configuration); previous_secret still signs until previous_secret_until.
CREATE TABLE webhook_endpoint (
    id                    BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_endpoint PRIMARY KEY,
    agency_id             BIGINT            NOT NULL CONSTRAINT fk_webhook_endpoint_agency REFERENCES agency (id),
    url                   NVARCHAR(2000)    NOT NULL,
    events                NVARCHAR(200)     NOT NULL,
    secret                VARBINARY(256)    NOT NULL,
    previous_secret       VARBINARY(256)    NULL,
    previous_secret_until DATETIMEOFFSET(7) NULL,
    created_at            DATETIMEOFFSET(7) NOT NULL,
    deleted_at            DATETIMEOFFSET(7) NULL
);
CREATE INDEX ix_webhook_endpoint_agency ON webhook_endpoint (agency_id, id);
CREATE TABLE webhook_subscription (
    agency_id   BIGINT       NOT NULL CONSTRAINT fk_webhook_subscription_agency REFERENCES agency (id),
    event       NVARCHAR(32) NOT NULL,
    endpoint_id BIGINT       NOT NULL CONSTRAINT fk_webhook_subscription_endpoint REFERENCES webhook_endpoint (id),
    CONSTRAINT pk_webhook_subscription PRIMARY KEY (agency_id, event, endpoint_id)
);
-- One row per message and endpoint, written in the transaction of the alert that causes it. order_key (the firearm)
-- keeps one endpoint's deliveries about one firearm in order; lease_until/lease_token are a dispatcher's claim, which
-- expires; retries end 24 hours after created_at, or after retry_from once redelivered by hand.
CREATE TABLE webhook_delivery (
    id               BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_delivery PRIMARY KEY,
    endpoint_id      BIGINT            NOT NULL CONSTRAINT fk_webhook_delivery_endpoint REFERENCES webhook_endpoint (id),
    alert_id         BIGINT            NULL,
    event            NVARCHAR(32)      NOT NULL,
    order_key        BIGINT            NULL,
    payload          NVARCHAR(MAX)     NOT NULL,
    status           NVARCHAR(16)      NOT NULL,
    attempts         INT               NOT NULL,
    next_attempt_at  DATETIMEOFFSET(7) NOT NULL,
    lease_until      DATETIMEOFFSET(7) NULL,
    lease_token      NVARCHAR(36)      NULL,
    retry_from       DATETIMEOFFSET(7) NULL,
    created_at       DATETIMEOFFSET(7) NOT NULL,
    delivered_at     DATETIMEOFFSET(7) NULL,
    last_status_code INT               NULL,
    last_duration_ms INT               NULL,
    last_error       NVARCHAR(400)     NULL,
    last_response    NVARCHAR(1024)    NULL
);
CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (status, next_attempt_at, id);
CREATE INDEX ix_webhook_delivery_endpoint ON webhook_delivery (endpoint_id, id);
CREATE INDEX ix_webhook_delivery_order ON webhook_delivery (endpoint_id, order_key, status, id);
CREATE TABLE webhook_attempt (
    id            BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_attempt PRIMARY KEY,
    delivery_id   BIGINT            NOT NULL CONSTRAINT fk_webhook_attempt_delivery REFERENCES webhook_delivery (id),
    attempted_at  DATETIMEOFFSET(7) NOT NULL,
    status_code   INT               NULL,
    duration_ms   INT               NOT NULL,
    error         NVARCHAR(400)     NULL,
    response_body NVARCHAR(1024)    NULL
);
CREATE INDEX ix_webhook_attempt_delivery ON webhook_attempt (delivery_id, id);
