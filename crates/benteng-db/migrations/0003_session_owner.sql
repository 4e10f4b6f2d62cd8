-- Sessions remember whose they are, so a password change or a deactivation can end all of a
-- user's sessions at once (and not only at their next request).
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
CREATE INDEX sessions_user ON sessions (user_id);
