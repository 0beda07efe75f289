-- Site search (/search): full-text indexes for organisations, agreements and source paragraphs,
-- beside the events_fts, people_fts and quotes_fts of 0001. Same tokenizer, so a query means
-- the same thing in every index: Porter stems ("controls" finds "control") over unicode61,
-- which keeps a run of CJK characters (李强) as one token. The rowid is the record's id.
-- (Numbered 0003: 0002 is taken by another branch.)

CREATE VIRTUAL TABLE organizations_fts USING fts5 (
    name, aliases, summary,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE agreements_fts USING fts5 (
    title, terms, context,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (
    text,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- A database created before this migration already holds its data and is not re-imported on
-- start, so fill the new indexes here once. From now on every import rebuilds them
-- (src/dataset/search_index.rs), with the same statements.
INSERT INTO organizations_fts (rowid, name, aliases, summary)
SELECT o.id, o.name || ' ' || coalesce(o.native_name, ''),
       (SELECT group_concat(alias, ' ') FROM aliases WHERE subject_type = 'organization' AND subject_id = o.id),
       coalesce(o.summary, '')
  FROM organizations o;

INSERT INTO agreements_fts (rowid, title, terms, context)
SELECT a.id, a.title, a.terms,
       concat_ws(' ', a.cadence,
         (SELECT group_concat(coalesce(o.name, c.name), ' ') FROM agreement_parties ap
            LEFT JOIN organizations o ON o.id = ap.organization_id
            LEFT JOIN countries c ON c.id = ap.country_id WHERE ap.agreement_id = a.id),
         (SELECT group_concat(t.name, ' ') FROM agreement_topics at
            JOIN topics t ON t.id = at.topic_id WHERE at.agreement_id = a.id))
  FROM agreements a;

INSERT INTO paragraphs_fts (rowid, text) SELECT id, text FROM paragraphs;
