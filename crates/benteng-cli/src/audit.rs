//! `benteng audit verify`: check the audit log's hash chain (crates/benteng-db/src/audit/chain.rs).

use benteng_db::audit::{Anchor, BreakKind, Verdict};
use benteng_db::Db;

/// Exit code when the chain is broken (1 stays for "could not check": no database, bad input).
pub const BROKEN: i32 = 2;

/// Read `SEQ:HASH` (an earlier head).
pub fn parse_anchor(s: &str) -> anyhow::Result<Anchor> {
    let (seq, hash) = s
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("--anchor: expected SEQ:HASH, e.g. 1234:9f86d0…"))?;
    let seq: i64 = seq
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| anyhow::anyhow!("--anchor: SEQ must be a positive number"))?;
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!("--anchor: HASH must be 64 hexadecimal characters");
    }
    Ok(Anchor { seq, hash })
}

/// Seal, walk and print the verdict; returns the exit code.
pub async fn verify(db: &Db, anchor: Option<&Anchor>) -> anyhow::Result<i32> {
    let started = std::time::Instant::now();
    match db.audit().verify(anchor).await? {
        Verdict::Intact(v) => {
            println!(
                "Rantai audit utuh: {} entri diperiksa dalam {} ms (audit chain intact: {} entries).",
                v.entries,
                started.elapsed().as_millis(),
                v.entries
            );
            println!("Ujung rantai (chain head): {}:{}", v.head.seq, v.head.hash);
            if v.sealed_now > 0 {
                println!(
                    "{} entri baru disegel sebelum diperiksa (sealed before checking).",
                    v.sealed_now
                );
            }
            if v.pending > 0 {
                println!(
                    "{} entri masuk setelah penyegelan dan diperiksa lain kali (written after sealing, checked next time).",
                    v.pending
                );
            }
            Ok(0)
        }
        Verdict::Broken(b) => {
            let id =
                b.id.map(|i| format!("id {i}"))
                    .unwrap_or_else(|| "id -".into());
            let why = match b.kind {
                BreakKind::Altered => "isi atau urutan entri tidak cocok dengan hash-nya (entry content or position does not match its hash: changed or reordered)",
                BreakKind::Missing => "entri pada posisi ini hilang; id yang disebut adalah entri berikutnya (entry missing at this position: deleted; the id is the entry that follows)",
                BreakKind::HeadMismatch => "rantai berakhir tidak pada ujungnya (the chain does not end at its head: entries cut off the end, or the head changed)",
                BreakKind::AnchorMismatch => "entri pada posisi jangkar tidak lagi memiliki hash jangkar (the entry at the anchor no longer has the anchor's hash)",
            };
            println!(
                "Rantai audit PUTUS pada chain_seq {} ({id}): {why}",
                b.chain_seq
            );
            println!(
                "AUDIT CHAIN BROKEN at chain_seq {} ({id}); entries before it are intact.",
                b.chain_seq
            );
            Ok(BROKEN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_read_strictly() {
        let h = "AB".repeat(32);
        let a = parse_anchor(&format!("12:{h}")).unwrap();
        assert_eq!(a.seq, 12);
        assert_eq!(a.hash, "ab".repeat(32));
        for bad in [
            "12",
            "x:00",
            "0:00",
            &format!("-1:{h}"),
            "3:abc",
            &format!("3:{}", "g".repeat(64)),
        ] {
            assert!(parse_anchor(bad).is_err(), "{bad}");
        }
    }
}
