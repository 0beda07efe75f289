-- Scale: every request reads a bounded part of the archive, at any size.

-- Derived at every import (and by `generate`), in the same transaction, like the full-text
-- indexes: how many events each filter value has, and how many events there are in all
-- (facet 'all'). The timeline's total and each facet's counts are read from here whenever the
-- other filters are empty (the unfiltered timeline above all), instead of counted over the
-- archive. Its size follows the vocabularies (people, topics, kinds, countries), not the events.
CREATE TABLE event_value_counts (
    facet    TEXT NOT NULL CHECK (facet IN ('all', 'official', 'topic', 'kind', 'country')),
    slug     TEXT NOT NULL,    -- the value's slug; the kind's name; 'all' for the total
    value_id INTEGER NOT NULL, -- the person's, topic's or country's id; 0 for a kind and the total
    name     TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (facet, slug)
) WITHOUT ROWID;

-- A topic's agreements (the topic page), without reading every agreement's topics.
CREATE INDEX agreement_topics_topic ON agreement_topics (topic_id, agreement_id);

-- A database created before this migration already holds its data: fill the counts once here.
-- From now on every import rebuilds them (src/dataset/counts.rs), with the same statements.
INSERT INTO event_value_counts (facet, slug, value_id, name, count)
SELECT 'all', 'all', 0, 'all', COUNT(*) FROM events;
INSERT INTO event_value_counts (facet, slug, value_id, name, count)
SELECT 'official', p.slug, p.id, p.name, COUNT(*) FROM event_people x JOIN people p ON p.id = x.person_id GROUP BY p.id;
INSERT INTO event_value_counts (facet, slug, value_id, name, count)
SELECT 'topic', t.slug, t.id, t.name, COUNT(*) FROM event_topics x JOIN topics t ON t.id = x.topic_id GROUP BY t.id;
INSERT INTO event_value_counts (facet, slug, value_id, name, count)
SELECT 'kind', kind, 0, kind, COUNT(*) FROM events GROUP BY kind;
INSERT INTO event_value_counts (facet, slug, value_id, name, count)
SELECT 'country', c.slug, c.id, c.name, COUNT(*) FROM event_countries x JOIN countries c ON c.id = x.country_id GROUP BY c.id;
