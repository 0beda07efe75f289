-- Times from the data, not from the clock of the machine that imported it: every server built
-- from the same data tells the same history, whenever it started.

-- When each record's content last changed: the stamp the data gives it (data/changed.toml), or,
-- for a record imported without one, the time of that import.
ALTER TABLE record_digests ADD COLUMN changed_at TEXT;

-- Each revision's latest change, never earlier than the revision before it: what
-- Last-Modified, the feeds' `updated` and the citations' dates say. `imported_at` stays the
-- wall-clock time of the import, for operators.
ALTER TABLE revisions ADD COLUMN changed_at TEXT;

-- Before this migration, the import's time was all there was.
UPDATE revisions SET changed_at = imported_at;
UPDATE record_digests
   SET changed_at = (SELECT MAX(r.imported_at)
                       FROM revision_changes c JOIN revisions r ON r.id = c.revision_id
                      WHERE c.record_type = record_digests.record_type
                        AND c.slug = record_digests.slug);
