-- Follow-through and change history.

-- The later events that fulfil, partly fulfil or break an agreement. Declared on the event (a
-- new source adds its follow-up events without editing the agreement's record); the
-- agreement's status is derived from them at read time, never typed by hand.
CREATE TABLE agreement_followups (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    effect       TEXT NOT NULL CHECK (effect IN ('fulfils', 'partly-fulfils', 'breaks')),
    note         TEXT,
    PRIMARY KEY (agreement_id, event_id)
) WITHOUT ROWID;
CREATE INDEX agreement_followups_event ON agreement_followups (event_id);

-- Derived now, so no longer stored.
ALTER TABLE agreements DROP COLUMN status;

-- What each import changed, record by record. Unchanged records are not listed.
CREATE TABLE revision_changes (
    revision_id INTEGER NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    record_type TEXT NOT NULL,
    slug        TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('added', 'updated', 'removed')),
    PRIMARY KEY (revision_id, record_type, slug)
) WITHOUT ROWID;
CREATE INDEX revision_changes_record ON revision_changes (record_type, slug, revision_id);

-- A fingerprint of each record as last imported, to tell an update from an unchanged record.
CREATE TABLE record_digests (
    record_type TEXT NOT NULL,
    slug        TEXT NOT NULL,
    digest      TEXT NOT NULL,
    PRIMARY KEY (record_type, slug)
) WITHOUT ROWID;
