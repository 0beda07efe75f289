-- The event index, stored with the data it describes.
--
-- Every import (and `generate`) builds the index of its events from the rows inside its write
-- transaction and stores it here, replacing the previous revision's, so the index and the rows
-- commit together (src/db/index.rs). A server loads it at start-up and after each import,
-- rather than reading it from every event and link: the columns of the events in the
-- timeline's order, little-endian integers in rows of 16,384 values (`value` numbers the row;
-- `names` holds the names the codes stand for and the count, as JSON), and one row per filter value with its events as a serialized roaring bitmap of ranks
-- (`person`, `topic`, `organization`, `country` by record id; `kind_events` by kind code).
CREATE TABLE event_index (
    revision INTEGER NOT NULL REFERENCES revisions (id),
    part     TEXT NOT NULL,
    value    INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (revision, part, value)
);

-- The whole archive's chart (its periods, spans and first and last days) is now worked out
-- from the index once per revision: the counts migration 0004 kept for it go.
DROP INDEX event_span_counts_most;
DROP TABLE event_span_counts;
DROP TABLE event_period_counts;
DROP TABLE event_date_bounds;
