-- Where an event has one side's account and not the other's, when the curators last looked for
-- the missing one and what they looked for, so "no account found" is a dated finding rather
-- than a silence. Both NULL when the data says nothing.
ALTER TABLE events ADD COLUMN accounts_searched_on TEXT;
ALTER TABLE events ADD COLUMN accounts_searched_for TEXT;
