-- The audit log as a hash chain (crates/benteng-db/src/audit/chain.rs). Entries are written
-- unsealed (chain_seq and hash empty) by the many transactions that record them; a sealer
-- takes them in id order under the chain head's lock and gives each the next chain_seq and
-- hash = SHA-256(previous hash || every column of the entry). Entries already in the log are
-- sealed by the first pass after this migration.
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (chain_seq);
-- The sealer's work list: only unsealed entries are in it, so it stays small.
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE chain_seq IS NULL;

-- The chain's head: the last sealed position and its hash. Its row is what sealers lock (one
-- sealer at a time on PostgreSQL), and `benteng audit verify` compares it with the last entry
-- so that cutting entries off the end is seen too. Position 0 has the hash of 32 zero bytes.
CREATE TABLE audit_chain (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    sealed_at BIGINT
);
INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Entries cannot be deleted, and their content cannot be changed, sealed or not. The only
-- change allowed is the sealer's: giving an unsealed entry its chain_seq and hash, once.
-- Someone who may drop these triggers (the database's owner) can still change rows; the chain
-- then shows it at `benteng audit verify` (docs/security.md, "Audit log").
@SQLITE@ CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log entries cannot be deleted'); END;
@SQLITE@ CREATE TRIGGER audit_log_no_change BEFORE UPDATE ON audit_log
WHEN OLD.chain_seq IS NOT NULL OR OLD.hash IS NOT NULL
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_id IS NOT OLD.user_id
    OR NEW.username IS NOT OLD.username OR NEW.ip IS NOT OLD.ip OR NEW.request_id IS NOT OLD.request_id
    OR NEW.action IS NOT OLD.action OR NEW.entity IS NOT OLD.entity OR NEW.entity_id IS NOT OLD.entity_id
    OR NEW.region_code IS NOT OLD.region_code OR NEW.sensitive IS NOT OLD.sensitive OR NEW.detail IS NOT OLD.detail
BEGIN SELECT RAISE(ABORT, 'audit_log entries cannot be changed'); END;
@SQLITE@ CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;
@SQLITE@ CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_chain
WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash IS NOT OLD.hash)
BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;

@PG@ CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'audit_log entries cannot be deleted';
    END IF;
    IF OLD.chain_seq IS NOT NULL OR OLD.hash IS NOT NULL
        OR (NEW.id, NEW.at, NEW.user_id, NEW.username, NEW.ip, NEW.request_id, NEW.action,
            NEW.entity, NEW.entity_id, NEW.region_code, NEW.sensitive, NEW.detail)
        IS DISTINCT FROM
           (OLD.id, OLD.at, OLD.user_id, OLD.username, OLD.ip, OLD.request_id, OLD.action,
            OLD.entity, OLD.entity_id, OLD.region_code, OLD.sensitive, OLD.detail)
    THEN
        RAISE EXCEPTION 'audit_log entries cannot be changed';
    END IF;
    RETURN NEW;
END
$$;
@PG@ CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
@PG@ CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
@PG@ CREATE FUNCTION audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.seq < OLD.seq
        OR (NEW.seq = OLD.seq AND NEW.hash IS DISTINCT FROM OLD.hash)
    THEN
        RAISE EXCEPTION 'the audit chain head only moves forward';
    END IF;
    RETURN NEW;
END
$$;
@PG@ CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_chain
FOR EACH ROW EXECUTE FUNCTION audit_chain_guard();
@PG@ CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard();
