-- Accounts whose password someone else chose (the first admin, users created or reset by an
-- admin) must choose their own at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
