-- The phases of a policy action (announced, published, in force, amended, suspended, resumed,
-- revoked), each with its own fuzzy date and citations, and the days on which the action is in
-- force, worked out once at import by the rule in `domain::phase` so that the timeline's
-- `in_force` filter is one indexed range probe rather than a rule written again in SQL.

CREATE TABLE event_phases (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    phase          TEXT NOT NULL CHECK (phase IN
        ('announced', 'published', 'in-force', 'amended', 'suspended', 'resumed', 'revoked')),
    date_start     TEXT NOT NULL,
    date_end       TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'season', 'year')),
    date_label     TEXT NOT NULL,
    date_phrase    TEXT,
    note           TEXT,
    UNIQUE (event_id, position)
);

-- A phase's citations. Kept apart from `citations`, whose subject types are fixed by a CHECK
-- constraint; the importer also adds them to the event's own citations, so sources and their
-- coverage count them like any other.
CREATE TABLE event_phase_citations (
    phase_id     INTEGER NOT NULL REFERENCES event_phases (id) ON DELETE CASCADE,
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs (id),
    PRIMARY KEY (phase_id, paragraph_id)
) WITHOUT ROWID;
CREATE INDEX event_phase_citations_paragraph ON event_phase_citations (paragraph_id);

-- In force from `from_day` (the last possible day of the phase that put it in force) until
-- `until_day` (the first possible day of the phase that ended it), `until_day` excluded; NULL
-- while it has not ended.
CREATE TABLE event_in_force (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    from_day  TEXT NOT NULL,
    until_day TEXT,
    PRIMARY KEY (event_id, from_day),
    CHECK (until_day IS NULL OR until_day > from_day)
) WITHOUT ROWID;
CREATE INDEX event_in_force_from ON event_in_force (from_day, until_day, event_id);
