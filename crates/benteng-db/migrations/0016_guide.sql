-- The public guide to legal migration: pages admins edit, each change kept as a version with
-- who made it and why. The first versions come from crates/benteng-db/guide/*.md (data step).
CREATE TABLE guide_pages (
    slug TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    -- Markdown (raw HTML is dropped when rendered).
    body TEXT NOT NULL,
    -- One legal source per line.
    sources TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE guide_versions (
    id @ID@,
    slug TEXT NOT NULL REFERENCES guide_pages (slug),
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sources TEXT NOT NULL,
    note TEXT,
    edited_by BIGINT REFERENCES users (id),
    edited_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX guide_versions_slug ON guide_versions (slug, version);
