-- The terms of the full-text indexes, so that search can name the words a prefix stands for.
--
-- The last word typed is matched as a prefix (`controls` finds "controlled"), and FTS5 reads a
-- prefix's whole list of rows before it finds the first match: 20 ms for `control*` at a
-- million events, where the OR of the whole terms it stands for costs 0.2. A term is a Porter
-- stem, and a quoted term is stemmed again by the query (`"agre"` becomes `agr`), so each term
-- keeps a word that the indexes' tokenizer turns into exactly that term: the term itself, else
-- the first of a few endings added to it (`agree`, `environmental`, `represent`), else NULL,
-- and search then keeps the prefix (`db::search::expression`).
--
-- Derived data, over all seven indexes: rebuilt by every import and `generate` in their
-- transaction, after the indexes, by running this file again (`dataset::search_index`), so it
-- is written to be re-run: the table is created when missing and emptied, then filled. A
-- database imported before this migration is filled here once.
CREATE TABLE IF NOT EXISTS search_terms (
    term TEXT PRIMARY KEY,
    word TEXT,
    docs INTEGER NOT NULL
) WITHOUT ROWID;

DELETE FROM search_terms;

-- The terms, with the rows holding each (over all indexes), read once through fts5vocab.
DROP TABLE IF EXISTS temp.search_vocab_events;
DROP TABLE IF EXISTS temp.search_vocab_account_items;
DROP TABLE IF EXISTS temp.search_vocab_quotes;
DROP TABLE IF EXISTS temp.search_vocab_agreements;
DROP TABLE IF EXISTS temp.search_vocab_people;
DROP TABLE IF EXISTS temp.search_vocab_organizations;
DROP TABLE IF EXISTS temp.search_vocab_paragraphs;
CREATE VIRTUAL TABLE temp.search_vocab_events USING fts5vocab (main, events_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_account_items USING fts5vocab (main, account_items_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_quotes USING fts5vocab (main, quotes_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_agreements USING fts5vocab (main, agreements_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_people USING fts5vocab (main, people_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_organizations USING fts5vocab (main, organizations_fts, row);
CREATE VIRTUAL TABLE temp.search_vocab_paragraphs USING fts5vocab (main, paragraphs_fts, row);

INSERT INTO search_terms (term, docs)
SELECT term, sum(doc) FROM (
    SELECT term, doc FROM temp.search_vocab_events
    UNION ALL SELECT term, doc FROM temp.search_vocab_account_items
    UNION ALL SELECT term, doc FROM temp.search_vocab_quotes
    UNION ALL SELECT term, doc FROM temp.search_vocab_agreements
    UNION ALL SELECT term, doc FROM temp.search_vocab_people
    UNION ALL SELECT term, doc FROM temp.search_vocab_organizations
    UNION ALL SELECT term, doc FROM temp.search_vocab_paragraphs)
 GROUP BY term;

-- Each term's candidate words, in the order they are preferred, stemmed by a scratch index
-- with the same tokenizer; a candidate is kept when it is one token, the term itself.
DROP TABLE IF EXISTS temp.search_candidates;
DROP TABLE IF EXISTS temp.search_probe;
DROP TABLE IF EXISTS temp.search_probe_terms;
DROP TABLE IF EXISTS temp.search_stems;
CREATE TABLE temp.search_candidates (
    id     INTEGER PRIMARY KEY,
    term   TEXT NOT NULL,
    word   TEXT NOT NULL,
    choice INTEGER NOT NULL
);
INSERT INTO temp.search_candidates (term, word, choice)
SELECT t.term, t.term || e.ending, e.choice
  FROM search_terms t CROSS JOIN (
      SELECT 0 AS choice, '' AS ending
      UNION ALL SELECT 1, 'e' UNION ALL SELECT 2, 'al' UNION ALL SELECT 3, 'ent'
      UNION ALL SELECT 4, 'ation' UNION ALL SELECT 5, 's' UNION ALL SELECT 6, 'ing'
      UNION ALL SELECT 7, 'ed' UNION ALL SELECT 8, 'er' UNION ALL SELECT 9, 'ic'
      UNION ALL SELECT 10, 'ment' UNION ALL SELECT 11, 'ive' UNION ALL SELECT 12, 'ize'
      UNION ALL SELECT 13, 'ate' UNION ALL SELECT 14, 'ous' UNION ALL SELECT 15, 'ence') e
UNION ALL
-- A stem that ends in `i` often stood for a word ending in `y` (`polici` for "policy").
SELECT term, substr(term, 1, length(term) - 1) || 'y', 16 FROM search_terms WHERE term LIKE '%i';
CREATE INDEX temp.search_candidates_term ON search_candidates (term);

CREATE VIRTUAL TABLE temp.search_probe USING fts5 (
    word,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO temp.search_probe (rowid, word) SELECT id, word FROM temp.search_candidates;
CREATE VIRTUAL TABLE temp.search_probe_terms USING fts5vocab (temp, search_probe, instance);
CREATE TABLE temp.search_stems (id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL, term TEXT);
INSERT INTO temp.search_stems (id, tokens, term)
SELECT doc, count(*), min(term) FROM temp.search_probe_terms GROUP BY doc;

UPDATE search_terms SET word = (
    SELECT c.word FROM temp.search_candidates c JOIN temp.search_stems s ON s.id = c.id
     WHERE c.term = search_terms.term AND s.tokens = 1 AND s.term = c.term
     ORDER BY c.choice LIMIT 1);

DROP TABLE temp.search_stems;
DROP TABLE temp.search_probe_terms;
DROP TABLE temp.search_probe;
DROP TABLE temp.search_candidates;
DROP TABLE temp.search_vocab_events;
DROP TABLE temp.search_vocab_account_items;
DROP TABLE temp.search_vocab_quotes;
DROP TABLE temp.search_vocab_agreements;
DROP TABLE temp.search_vocab_people;
DROP TABLE temp.search_vocab_organizations;
DROP TABLE temp.search_vocab_paragraphs;
