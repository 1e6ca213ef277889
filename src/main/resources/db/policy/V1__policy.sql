-- The shared policy and the nodes that follow it (docs/scaling.md). PostgreSQL.

-- Every published version of the shared policy: the whole YAML document, as published.
CREATE TABLE policy_versions (
    version      BIGINT                   NOT NULL,
    config       TEXT                     NOT NULL,
    published_by VARCHAR(64)              NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE NOT NULL,
    comment      VARCHAR(500)             NOT NULL,
    sha256       CHAR(64)                 NOT NULL,
    CONSTRAINT policy_versions_pk PRIMARY KEY (version)
);

-- One row per node, written by the node every membership.heartbeat-interval.
CREATE TABLE dispatch_nodes (
    name           VARCHAR(64)              NOT NULL,
    address        VARCHAR(300)             NOT NULL,
    policy_source  VARCHAR(16)              NOT NULL,
    policy_version BIGINT,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen      TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_ms   INTEGER                  NOT NULL,
    stopped_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT dispatch_nodes_pk PRIMARY KEY (name)
);
