-- Rate limits shared by every instance (login attempts, public forms): one row per counted
-- key (`login:ip:…`, `login:user:…`, `lapor:…`, …) with its theoretical arrival time in
-- milliseconds (the generic cell rate algorithm: an allowance of N per period may be used at
-- once and refills evenly). Rows whose allowance has fully refilled are deleted by the
-- housekeeping job. See crates/benteng-db/src/limits.rs.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
