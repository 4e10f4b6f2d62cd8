-- The watchlist index checks whether reports changed (MAX(updated_at)) before each screening
-- and once a minute; without an index that read every report.
CREATE INDEX reports_updated ON reports (updated_at);
