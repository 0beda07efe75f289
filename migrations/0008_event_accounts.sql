-- Each government's account of an event (a readout), from a source that reports it, and what
-- that account says was raised, asked, agreed or stated, item by item, tagged with topics.
-- Like every child row, these belong to their event and are replaced whole when the event is
-- re-imported (deleting an event's accounts cascades to their items).

CREATE TABLE event_accounts (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    -- The country whose government (or state media) gives the account.
    side_id   INTEGER NOT NULL REFERENCES countries (id),
    UNIQUE (event_id, source_id)
);
CREATE INDEX event_accounts_event ON event_accounts (event_id, position);
CREATE INDEX event_accounts_source ON event_accounts (source_id);

CREATE TABLE account_items (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES event_accounts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('raised', 'asked', 'agreed', 'stated')),
    -- The side that raised or asked it, where the account says.
    by_id      INTEGER REFERENCES countries (id),
    text       TEXT NOT NULL
);
CREATE INDEX account_items_account ON account_items (account_id, position);

CREATE TABLE account_item_topics (
    item_id  INTEGER NOT NULL REFERENCES account_items (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (item_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX account_item_topics_topic ON account_item_topics (topic_id);

-- An item's citations of its account's source. They are kept apart from `citations`, whose
-- subject types are fixed by a CHECK that SQLite cannot alter in place; the importer also
-- records each of them as a citation of the event, so the source's page lists the event.
CREATE TABLE account_item_citations (
    item_id      INTEGER NOT NULL REFERENCES account_items (id) ON DELETE CASCADE,
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs (id),
    PRIMARY KEY (item_id, paragraph_id)
) WITHOUT ROWID;
CREATE INDEX account_item_citations_paragraph ON account_item_citations (paragraph_id);
