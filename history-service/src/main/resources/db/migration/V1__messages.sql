-- Every message and direct message of the chat topic, once each. A stream is a room, or a direct conversation
-- ("@" and both nicks, case-folded and sorted); seq is the message's offset in its Kafka partition.
CREATE TABLE messages (
    stream     VARCHAR(64)  NOT NULL,
    seq        BIGINT       NOT NULL,
    sender     VARCHAR(20)  NOT NULL,
    sender_key VARCHAR(20)  NOT NULL,
    recipient  VARCHAR(20),
    message_id VARCHAR(128) NOT NULL,
    body       TEXT         NOT NULL,
    ts         VARCHAR(32)  NOT NULL,
    PRIMARY KEY (stream, seq)
);

-- A sender's message id counts once per stream: a resend, or the same record read again, adds nothing.
CREATE UNIQUE INDEX messages_once ON messages (stream, sender_key, message_id);

-- How far the store has read each partition of the topic, written in the same transaction as the rows.
CREATE TABLE ingest_positions (
    topic        VARCHAR(249) NOT NULL,
    partition_id INTEGER      NOT NULL,
    next_offset  BIGINT       NOT NULL,
    PRIMARY KEY (topic, partition_id)
);
