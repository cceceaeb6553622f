-- Direct messages name each side's account: the one its nick was signed in to or registered as when the gateway
-- accepted the message, or null for a guest. Rows stored before this version name none and wait for nothing.
-- recipient_key is the addressee's nick folded as sender_key is; partition_id is the Kafka partition the record was
-- read from, so that a page can stop where a gateway's live stream of that partition starts.
ALTER TABLE messages ADD COLUMN sender_account VARCHAR(64);
ALTER TABLE messages ADD COLUMN recipient_account VARCHAR(64);
ALTER TABLE messages ADD COLUMN recipient_key VARCHAR(20);
ALTER TABLE messages ADD COLUMN partition_id INTEGER;
-- 1: the addressee's account had no session when the message was accepted; it waits for the next sign-in.
ALTER TABLE messages ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;

-- An account's waiting messages, in the order they are served; only waiting rows are indexed.
CREATE INDEX messages_waiting ON messages (recipient_account, stream, seq) WHERE waiting = 1;

-- The waiting messages of a conversation (stream) to an account are delivered up to and including through_seq.
-- A mark only moves forward.
CREATE TABLE waiting_delivered (
    account     VARCHAR(64) NOT NULL,
    stream      VARCHAR(64) NOT NULL,
    through_seq BIGINT      NOT NULL,
    PRIMARY KEY (account, stream)
);
