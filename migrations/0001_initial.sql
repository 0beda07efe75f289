-- The tradewatch schema: sources and their paragraphs, the people, organisations and topics they
-- name, the events and agreements they report, and the citations that tie every record to the
-- paragraphs supporting it.
--
-- Conventions:
-- * Every curated record has a unique `slug`, its identity across imports (upserted by slug).
-- * Dates are ISO-8601 text (`YYYY-MM-DD`), which sorts and compares correctly in SQLite.
--   A fuzzy date is stored as the earliest and latest day it may denote, its precision
--   (day, month, season, year) and the human label ("early 2024").
-- * Child rows (participants, topics, citations, notes, ...) belong to their parent and are
--   replaced whole when the parent is re-imported.

CREATE TABLE countries (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    publisher TEXT,
    published TEXT NOT NULL,
    url       TEXT
);

-- Paragraphs keep their id when a source is re-imported with the same numbering, so citations
-- (which point at paragraph ids) survive an update of the text.
CREATE TABLE paragraphs (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    number    INTEGER NOT NULL CHECK (number >= 1),
    text      TEXT NOT NULL,
    UNIQUE (source_id, number)
);

CREATE TABLE topics (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    native_name TEXT,
    kind        TEXT NOT NULL,
    country_id  INTEGER REFERENCES countries (id),
    summary     TEXT
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    native_name TEXT,
    country_id  INTEGER NOT NULL REFERENCES countries (id),
    wikidata    TEXT,
    summary     TEXT
);

-- Aliases of people and organisations ("Premier Li", "He"), in the dataset's order.
CREATE TABLE aliases (
    id           INTEGER PRIMARY KEY,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('person', 'organization')),
    subject_id   INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    alias        TEXT NOT NULL
);
CREATE INDEX aliases_subject ON aliases (subject_type, subject_id);

-- Dated roles, so a page can show the title a person held on an event's date.
-- `end_date` is NULL while the role lasts.
CREATE TABLE roles (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    organization_id INTEGER REFERENCES organizations (id),
    start_date      TEXT,
    end_date        TEXT,
    basis           TEXT
);
CREATE INDEX roles_person ON roles (person_id);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    date_start     TEXT NOT NULL,
    date_end       TEXT NOT NULL CHECK (date_end >= date_start),
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'season', 'year')),
    date_label     TEXT NOT NULL,
    date_phrase    TEXT,
    location       TEXT,
    status         TEXT NOT NULL CHECK (status IN ('occurred', 'planned')),
    class          TEXT NOT NULL,
    summary        TEXT NOT NULL
);
-- The timeline reads events in date order; ties break on the slug for a stable order.
CREATE INDEX events_date ON events (date_start, date_end, slug);
CREATE INDEX events_kind ON events (kind, date_start);

-- The countries that acted in an event (PLOVER's "actor" side).
CREATE TABLE event_sides (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    country_id INTEGER NOT NULL REFERENCES countries (id),
    PRIMARY KEY (event_id, country_id)
) WITHOUT ROWID;

CREATE TABLE event_people (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    role      TEXT NOT NULL CHECK (role IN ('host', 'attendee', 'announcer', 'subject')),
    position  INTEGER NOT NULL,
    PRIMARY KEY (event_id, person_id)
) WITHOUT ROWID;
CREATE INDEX event_people_person ON event_people (person_id, event_id);

CREATE TABLE event_organizations (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    role            TEXT NOT NULL CHECK (role IN ('host', 'attendee', 'announcer', 'subject')),
    position        INTEGER NOT NULL,
    PRIMARY KEY (event_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX event_organizations_organization ON event_organizations (organization_id, event_id);

CREATE TABLE event_topics (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (event_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX event_topics_topic ON event_topics (topic_id, event_id);

-- Derived at import: the countries an event involves (its sides and the countries of its
-- people and organisations). It backs the timeline's country filter with one index lookup.
CREATE TABLE event_countries (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    country_id INTEGER NOT NULL REFERENCES countries (id),
    PRIMARY KEY (event_id, country_id)
) WITHOUT ROWID;
CREATE INDEX event_countries_country ON event_countries (country_id, event_id);

CREATE TABLE agreements (
    id            INTEGER PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('agreement', 'commitment')),
    terms         TEXT NOT NULL,
    cadence       TEXT,
    due_start     TEXT,
    due_end       TEXT,
    due_precision TEXT,
    due_label     TEXT,
    status        TEXT NOT NULL,
    event_id      INTEGER REFERENCES events (id) ON DELETE SET NULL
);
CREATE INDEX agreements_event ON agreements (event_id);

-- A party is an organisation or a country.
CREATE TABLE agreement_parties (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    organization_id INTEGER REFERENCES organizations (id),
    country_id      INTEGER REFERENCES countries (id),
    CHECK ((organization_id IS NULL) <> (country_id IS NULL))
);
CREATE INDEX agreement_parties_agreement ON agreement_parties (agreement_id);

CREATE TABLE agreement_topics (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (agreement_id, topic_id)
) WITHOUT ROWID;

CREATE TABLE quotes (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    event_id  INTEGER REFERENCES events (id) ON DELETE SET NULL,
    text      TEXT NOT NULL
);
CREATE INDEX quotes_person ON quotes (person_id);
CREATE INDEX quotes_event ON quotes (event_id);

-- Notes and citations attach to any kind of record. A polymorphic (type, id) pair keeps one
-- table for each instead of one per record kind; the importer owns their integrity and
-- replaces a record's notes and citations whenever it writes the record.
CREATE TABLE notes (
    id           INTEGER PRIMARY KEY,
    subject_type TEXT NOT NULL CHECK (subject_type IN
        ('source', 'person', 'organization', 'topic', 'event', 'agreement', 'quote')),
    subject_id   INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('editor', 'correction', 'public-record')),
    text         TEXT NOT NULL,
    basis        TEXT
);
CREATE INDEX notes_subject ON notes (subject_type, subject_id);

CREATE TABLE citations (
    subject_type TEXT NOT NULL CHECK (subject_type IN
        ('person', 'organization', 'topic', 'event', 'agreement', 'quote', 'note')),
    subject_id   INTEGER NOT NULL,
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs (id),
    PRIMARY KEY (subject_type, subject_id, paragraph_id)
) WITHOUT ROWID;
CREATE INDEX citations_paragraph ON citations (paragraph_id);

-- Full-text search. The importer rebuilds these from the tables above after every import, in
-- the same transaction, so they never disagree with them. The rowid is the record's id.
CREATE VIRTUAL TABLE events_fts USING fts5 (
    title, summary, context,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE people_fts USING fts5 (
    name, aliases, roles,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text, speaker,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- One row per successful import: the data's revision, for "cite this" and HTTP caching.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    files       TEXT NOT NULL,
    digest      TEXT NOT NULL
);
