-- Each event's links as its row in a list shows them: its officials (in their order), topics,
-- cited paragraphs and sides, with the names shown, as JSON arrays beside the event.
--
-- A page of the timeline or of a record lists up to 100 events. Read through the link tables,
-- each row cost four correlated subqueries, each sorting its few rows and, at a million events,
-- each reading pages of its own: half of a first view's time. Kept here, a row is one read by
-- the event's id (`db::events::rows_by_id`).
--
-- Derived data: rebuilt by every import and `generate` inside their transaction, after the
-- rows, by running this file again (`dataset::list_links`), so it is written to be re-run: the
-- table is created when missing and emptied, then filled. A renamed official or topic is
-- renamed in every row by the next import's rebuild, in the same commit as the rename. A
-- database imported before this migration is filled here once.
CREATE TABLE IF NOT EXISTS event_list_links (
    event_id     INTEGER PRIMARY KEY REFERENCES events (id),
    participants TEXT NOT NULL,
    topics       TEXT NOT NULL,
    citations    TEXT NOT NULL,
    sides        TEXT NOT NULL
);

DELETE FROM event_list_links;

INSERT INTO event_list_links (event_id, participants, topics, citations, sides)
SELECT e.id,
       (SELECT json_group_array(json_object('slug', p.slug, 'name', p.name) ORDER BY ep.position)
          FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id),
       (SELECT json_group_array(json_object('slug', t.slug, 'name', t.name) ORDER BY t.name)
          FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id),
       (SELECT json_group_array(json_object('source', s.slug, 'paragraph', pa.number) ORDER BY s.slug, pa.number)
          FROM citations c JOIN paragraphs pa ON pa.id = c.paragraph_id JOIN sources s ON s.id = pa.source_id
         WHERE c.subject_type = 'event' AND c.subject_id = e.id),
       (SELECT json_group_array(json_object('slug', c.slug, 'name', c.name) ORDER BY c.name)
          FROM event_sides es JOIN countries c ON c.id = es.country_id WHERE es.event_id = e.id)
  FROM events e
 ORDER BY e.id;
