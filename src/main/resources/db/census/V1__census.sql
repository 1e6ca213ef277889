-- The census of finished conversations (docs/console.md, "Census").
-- Plain SQL that H2 2.x and PostgreSQL both run: no engine-specific types or statements.

-- Conversations per hour (UTC) and key; kept for census.hourly-retention.
CREATE TABLE census_hourly (
    hour_start    TIMESTAMP WITH TIME ZONE NOT NULL,
    node          VARCHAR(64) NOT NULL,
    transport     VARCHAR(8)  NOT NULL,
    dialect       VARCHAR(16) NOT NULL,
    library       VARCHAR(64) NOT NULL,
    build         VARCHAR(64) NOT NULL,
    os_type       VARCHAR(64) NOT NULL,
    locale        VARCHAR(16) NOT NULL,
    outcome       VARCHAR(32) NOT NULL,
    verdict       VARCHAR(16) NOT NULL,
    conversations BIGINT      NOT NULL,
    CONSTRAINT census_hourly_pk PRIMARY KEY (hour_start, node, transport, dialect, library, build, os_type, locale,
                                             outcome, verdict)
);

-- The hourly rows past their retention, rolled up per UTC day; kept forever.
CREATE TABLE census_daily (
    day_start     DATE        NOT NULL,
    node          VARCHAR(64) NOT NULL,
    transport     VARCHAR(8)  NOT NULL,
    dialect       VARCHAR(16) NOT NULL,
    library       VARCHAR(64) NOT NULL,
    build         VARCHAR(64) NOT NULL,
    os_type       VARCHAR(64) NOT NULL,
    locale        VARCHAR(16) NOT NULL,
    outcome       VARCHAR(32) NOT NULL,
    verdict       VARCHAR(16) NOT NULL,
    conversations BIGINT      NOT NULL,
    CONSTRAINT census_daily_pk PRIMARY KEY (day_start, node, transport, dialect, library, build, os_type, locale,
                                            outcome, verdict)
);

-- One row per maintenance task; a prune locks its row first, so that nodes sharing the database
-- never roll up the same hours twice.
CREATE TABLE census_maintenance (
    task   VARCHAR(32) NOT NULL,
    ran_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT census_maintenance_pk PRIMARY KEY (task)
);

INSERT INTO census_maintenance (task, ran_at) VALUES ('prune', NULL);
