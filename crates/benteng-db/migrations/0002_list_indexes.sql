-- Indexes for the lists that grow with the programme: the latest visits across a scope, and
-- the audit log by user.
CREATE INDEX village_visits_date ON village_visits (visit_date, id);
CREATE INDEX audit_log_username ON audit_log (username, at);
