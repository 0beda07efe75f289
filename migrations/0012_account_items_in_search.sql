-- Site search finds what each side's account of an event says: a full-text index of account
-- items (the rowid is the item's id), with the tokenizer of every other index, so a query means
-- the same thing in each. A search hit links to the item's event. A database imported before
-- this migration is not re-imported on start, so fill it here once; from now on every import
-- rebuilds it (src/dataset/search_index.rs), with the same statement.
CREATE VIRTUAL TABLE account_items_fts USING fts5 (
    text,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO account_items_fts (rowid, text) SELECT id, text FROM account_items;
