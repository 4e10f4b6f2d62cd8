-- What the watchlist search of a screening found but did not list (issue 21), so the result
-- page can say so: further entries of a name shown when only a name was given (at most three
-- of one name are listed), and entries that shared nothing but a very common given name
-- (Muhammad, Siti …), which are no hit.
ALTER TABLE screenings ADD COLUMN namesakes_hidden BIGINT NOT NULL DEFAULT 0;
ALTER TABLE screenings ADD COLUMN common_name_only BIGINT NOT NULL DEFAULT 0;
