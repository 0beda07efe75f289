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

-- Derived with event_value_counts: how many events each pair of filter values shares, stored in
-- both directions ("official X" with "topic Y" and "topic Y" with "official X"), so a view
-- filtered by one value reads its facet counts, and an official's or topic's page its
-- companions and topics, in one index range. Its size follows the vocabularies squared
-- (people × people at most), never the events.
CREATE TABLE event_pair_counts (
    facet       TEXT NOT NULL,
    slug        TEXT NOT NULL,
    other_facet TEXT NOT NULL,
    other_slug  TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (facet, slug, other_facet, other_slug)
) WITHOUT ROWID;

-- The longest span of any event's date, in days. A date-range filter bounds `date_start` from
-- below with it (an event reaching into the range starts at most this long before it), so the
-- range is one bounded walk of events_date instead of everything before its end.
CREATE TABLE event_date_bounds (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    max_span_days INTEGER NOT NULL,
    -- The first and last day any event may have fallen on (NULL when there are none).
    first_day     TEXT,
    last_day      TEXT
);

-- Derived with the counts above, for the timeline's chart of the whole archive: the events known
-- to lie within one month (bin 'month', period '2023-08') or one year (bin 'year', period
-- '2023'), per class and per kind; and those that are not, per span of possible dates. Their
-- size follows the calendar, never the events.
CREATE TABLE event_period_counts (
    bin    TEXT NOT NULL CHECK (bin IN ('month', 'year')),
    stack  TEXT NOT NULL CHECK (stack IN ('class', 'kind')),
    period TEXT NOT NULL,
    series TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (bin, stack, period, series)
) WITHOUT ROWID;

CREATE TABLE event_span_counts (
    bin        TEXT NOT NULL CHECK (bin IN ('month', 'year')),
    date_start TEXT NOT NULL,
    date_end   TEXT NOT NULL,
    label      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (bin, date_start, date_end)
) WITHOUT ROWID;
CREATE INDEX event_span_counts_most ON event_span_counts (bin, count DESC, date_start, date_end);

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

INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'official', la.slug, 'official', lb.slug, g.n FROM (SELECT x.person_id AS a, y.person_id AS b, COUNT(*) AS n FROM event_people x JOIN event_people y ON y.event_id = x.event_id AND y.person_id <> x.person_id GROUP BY x.person_id, y.person_id) g JOIN people la ON la.id = g.a JOIN people lb ON lb.id = g.b;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'official', la.slug, 'topic', lb.slug, g.n FROM (SELECT x.person_id AS a, y.topic_id AS b, COUNT(*) AS n FROM event_people x JOIN event_topics y ON y.event_id = x.event_id GROUP BY x.person_id, y.topic_id) g JOIN people la ON la.id = g.a JOIN topics lb ON lb.id = g.b;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'official', la.slug, 'kind', g.b, g.n FROM (SELECT x.person_id AS a, y.kind AS b, COUNT(*) AS n FROM event_people x JOIN events y ON y.id = x.event_id GROUP BY x.person_id, y.kind) g JOIN people la ON la.id = g.a;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'official', la.slug, 'country', lb.slug, g.n FROM (SELECT x.person_id AS a, y.country_id AS b, COUNT(*) AS n FROM event_people x JOIN event_countries y ON y.event_id = x.event_id GROUP BY x.person_id, y.country_id) g JOIN people la ON la.id = g.a JOIN countries lb ON lb.id = g.b;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'topic', la.slug, 'kind', g.b, g.n FROM (SELECT x.topic_id AS a, y.kind AS b, COUNT(*) AS n FROM event_topics x JOIN events y ON y.id = x.event_id GROUP BY x.topic_id, y.kind) g JOIN topics la ON la.id = g.a;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'topic', la.slug, 'country', lb.slug, g.n FROM (SELECT x.topic_id AS a, y.country_id AS b, COUNT(*) AS n FROM event_topics x JOIN event_countries y ON y.event_id = x.event_id GROUP BY x.topic_id, y.country_id) g JOIN topics la ON la.id = g.a JOIN countries lb ON lb.id = g.b;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT 'kind', g.a, 'country', lb.slug, g.n FROM (SELECT x.kind AS a, y.country_id AS b, COUNT(*) AS n FROM events x JOIN event_countries y ON y.event_id = x.id GROUP BY x.kind, y.country_id) g JOIN countries lb ON lb.id = g.b;
INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
SELECT other_facet, other_slug, facet, slug, count FROM event_pair_counts WHERE facet <> other_facet;

INSERT INTO event_date_bounds (id, max_span_days, first_day, last_day)
SELECT 1, CAST(coalesce(MAX(julianday(date_end) - julianday(date_start)), 0) AS INTEGER) + 1, MIN(date_start), MAX(date_end) FROM events;

INSERT INTO event_period_counts (bin, stack, period, series, count) SELECT 'month', 'class', substr(date_start, 1, 7), class, COUNT(*) FROM events WHERE substr(date_start, 1, 7) = substr(date_end, 1, 7) GROUP BY 3, 4;
INSERT INTO event_period_counts (bin, stack, period, series, count) SELECT 'month', 'kind', substr(date_start, 1, 7), kind, COUNT(*) FROM events WHERE substr(date_start, 1, 7) = substr(date_end, 1, 7) GROUP BY 3, 4;
INSERT INTO event_period_counts (bin, stack, period, series, count) SELECT 'year', 'class', substr(date_start, 1, 4), class, COUNT(*) FROM events WHERE substr(date_start, 1, 4) = substr(date_end, 1, 4) GROUP BY 3, 4;
INSERT INTO event_period_counts (bin, stack, period, series, count) SELECT 'year', 'kind', substr(date_start, 1, 4), kind, COUNT(*) FROM events WHERE substr(date_start, 1, 4) = substr(date_end, 1, 4) GROUP BY 3, 4;
INSERT INTO event_span_counts (bin, date_start, date_end, label, count) SELECT 'month', date_start, date_end, min(date_label), COUNT(*) FROM events WHERE substr(date_start, 1, 7) <> substr(date_end, 1, 7) GROUP BY date_start, date_end;
INSERT INTO event_span_counts (bin, date_start, date_end, label, count) SELECT 'year', date_start, date_end, min(date_label), COUNT(*) FROM events WHERE substr(date_start, 1, 4) <> substr(date_end, 1, 4) GROUP BY date_start, date_end;
