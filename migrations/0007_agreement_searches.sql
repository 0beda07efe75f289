-- Where no follow-up is recorded, when the curators last looked for one and what they looked
-- for, so "no record found" is a dated finding rather than a silence. Both NULL when the data
-- says nothing.
ALTER TABLE agreements ADD COLUMN searched_on TEXT;
ALTER TABLE agreements ADD COLUMN searched_for TEXT;
