-- Where sources give an agreement different windows for when it falls due (the article's "early
-- 2024" against a ministry's "first half of 2024"), each window with the source that gives it.
-- The agreement's own `due_*` columns stay the window its status follows; `due_reason` says why
-- that one. Position 0 is that window, with its citations; 1, 2, … the other windows in the
-- data's order. An agreement whose sources agree has no rows here.
ALTER TABLE agreements ADD COLUMN due_reason TEXT;

CREATE TABLE agreement_due_windows (
    id             INTEGER PRIMARY KEY,
    agreement_id   INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL CHECK (position >= 0),
    date_start     TEXT NOT NULL,
    date_end       TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'season', 'year')),
    date_label     TEXT NOT NULL,
    -- The source's own words for the window, where they differ from the label.
    date_phrase    TEXT,
    UNIQUE (agreement_id, position)
);

-- A window's citations. Kept apart from `citations` (its subject types are fixed by a CHECK);
-- the importer also adds them to the agreement's own citations, so sources count them.
CREATE TABLE agreement_due_window_citations (
    window_id    INTEGER NOT NULL REFERENCES agreement_due_windows (id) ON DELETE CASCADE,
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs (id),
    PRIMARY KEY (window_id, paragraph_id)
) WITHOUT ROWID;
CREATE INDEX agreement_due_window_citations_paragraph ON agreement_due_window_citations (paragraph_id);
