-- Sources of every kind: whose account a source gives, in what language, when it was published
-- (as fuzzy as any other date), and whether its numbered texts are its own full text or the
-- editors' numbered summary points of it.

-- us-government | chinese-government | state-media | independent-press | other. Sources stored
-- before voices existed read as 'other' until the data that names their voice is imported.
ALTER TABLE sources ADD COLUMN voice TEXT NOT NULL DEFAULT 'other'
    CHECK (voice IN ('us-government', 'chinese-government', 'state-media', 'independent-press', 'other'));

-- A BCP 47 tag ('en', 'zh-Hans'); 'und' (undetermined) until the data says.
ALTER TABLE sources ADD COLUMN language TEXT NOT NULL DEFAULT 'und';

-- Summary points live in `paragraphs` like a full text's paragraphs, numbered from 1, so a
-- citation is always a citation of a paragraph row; this column says which they are.
ALTER TABLE sources ADD COLUMN text_kind TEXT NOT NULL DEFAULT 'full-text'
    CHECK (text_kind IN ('full-text', 'summary'));

-- `published` stays the first day the publication date may denote (lists sort by it); these
-- give the last day, the precision and the label, as for every other fuzzy date.
ALTER TABLE sources ADD COLUMN published_end TEXT;
ALTER TABLE sources ADD COLUMN published_precision TEXT NOT NULL DEFAULT 'day'
    CHECK (published_precision IN ('day', 'month', 'season', 'year'));
ALTER TABLE sources ADD COLUMN published_label TEXT;

-- Every source stored so far was published on a known day.
UPDATE sources SET published_end = published;
