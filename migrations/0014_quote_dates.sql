-- An official's page lists their latest quotes by the date of the event each was said at.
-- Joined to its event to be sorted, every quote of a busy official was read and sorted first
-- (2,700 of them for the busiest at a million events). The quote keeps that date itself, the day its event started (NULL
-- for a quote said at no event, which sorts last), and (person_id, date) is one bounded walk
-- from the newest. Derived data: every import and `generate` set it from the events, with the
-- statement below (`db::people::date_quotes`); a database imported before this migration is
-- not re-imported on start, so it is filled here once.
ALTER TABLE quotes ADD COLUMN date TEXT;

UPDATE quotes SET date = (SELECT date_start FROM events WHERE id = quotes.event_id)
 WHERE date IS NOT (SELECT date_start FROM events WHERE id = quotes.event_id);

-- Replaces quotes_person: a speaker's quotes, newest first (ties by id, the rowid the index
-- ends with).
DROP INDEX quotes_person;
CREATE INDEX quotes_speaker_date ON quotes (person_id, date);

-- The same for a record's latest agreements (an official's, a topic's, an organisation's),
-- ordered by the day each was reached, else the day it falls due: the agreement keeps that day
-- (`db::agreements::date_agreements`), and (date, title) is the order they are listed in, so an
-- official in many events finds their latest by walking it from the newest.
ALTER TABLE agreements ADD COLUMN date TEXT;

UPDATE agreements SET date = coalesce((SELECT date_start FROM events WHERE id = agreements.event_id), due_start)
 WHERE date IS NOT coalesce((SELECT date_start FROM events WHERE id = agreements.event_id), due_start);

CREATE INDEX agreements_date ON agreements (date, title);
