//! The pre-test and post-test of an awareness event: multiple-choice questions from an editable
//! bank, a participant's score, and the knowledge gain (post minus pre, in percentage points)
//! per question and per village.
//!
//! Decisions:
//! - An event's test is a copy of the bank's active questions taken when the test is first
//!   opened, so editing the bank later never changes what participants of a past event
//!   answered. At most [`MAX_EVENT_QUESTIONS`] questions, in bank order.
//! - Pre-test and post-test ask the same questions (the gain is only meaningful that way).
//! - The gain of a group compares the average pre-test score of everyone who took it with the
//!   average post-test score of everyone who took that; participants who took only one of them
//!   still count (late arrivals are common). Both averages and both counts are shown, so a
//!   reader can judge.

use crate::report::coded;
use crate::values::{optional_text, required_text};
use crate::FieldErrors;
use serde::{Deserialize, Serialize};

/// Most questions an event's test asks.
pub const MAX_EVENT_QUESTIONS: usize = 10;
/// Options per question.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 5;

coded! {
    /// Which test.
    QuizKind {
        Pre = "pre",
        Post = "post",
    }
}

coded! {
    /// Which test an event accepts now; the officer moves it on during the session.
    QuizStage {
        /// Before and at the start: the pre-test is open.
        Pre = "pre",
        /// After the talks: the post-test is open, the pre-test closed.
        Post = "post",
        /// Both closed.
        Closed = "closed",
    }
}

impl QuizStage {
    /// The test a participant can take now.
    pub fn open_test(self) -> Option<QuizKind> {
        match self {
            QuizStage::Pre => Some(QuizKind::Pre),
            QuizStage::Post => Some(QuizKind::Post),
            QuizStage::Closed => None,
        }
    }
}

coded! {
    /// What a bank question is about.
    QuizTopic {
        /// The legal procedure to work abroad.
        Prosedur = "prosedur",
        /// Signs of trafficking and illegal recruitment.
        TandaBahaya = "tanda_bahaya",
        /// Documents (passport, visa, contract, NIK).
        Dokumen = "dokumen",
        /// Where to ask and report.
        Layanan = "layanan",
    }
}

/// A question as an admin writes it (form or API).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BankInput {
    pub topic: String,
    pub question: String,
    /// One option per line.
    pub options: String,
    /// The number (1-based) of the right option.
    pub correct: String,
    /// The legal source or reference of the answer.
    pub source: String,
    /// `1`: asked in new tests.
    pub active: String,
}

/// A checked bank question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankQuestion {
    pub topic: QuizTopic,
    pub question: String,
    pub options: Vec<String>,
    /// 0-based index into `options`.
    pub correct: usize,
    pub source: Option<String>,
    pub active: bool,
}

impl BankInput {
    pub fn parse(&self) -> Result<BankQuestion, FieldErrors> {
        let mut e = FieldErrors::new();
        let topic = e.check("topic", QuizTopic::parse(self.topic.trim()));
        let question = e.check("question", required_text(&self.question, 500));
        let options: Vec<String> = self
            .options
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if options.len() < MIN_OPTIONS || options.len() > MAX_OPTIONS {
            e.add("options", "err-quiz-options");
        } else if options.iter().any(|o| o.chars().count() > 300) {
            e.add("options", "err-too-long");
        }
        let correct = match self.correct.trim().parse::<usize>() {
            Ok(n) if n >= 1 && n <= options.len() => Some(n - 1),
            _ => {
                e.add("correct", "err-quiz-correct");
                None
            }
        };
        let source = e
            .check("source", optional_text(&self.source, 300))
            .flatten();
        match (topic, question, correct) {
            (Some(topic), Some(question), Some(correct)) if e.is_empty() => Ok(BankQuestion {
                topic,
                question,
                options,
                correct,
                source,
                active: matches!(self.active.trim(), "1" | "on" | "true"),
            }),
            _ => Err(e),
        }
    }
}

/// Options as stored (one per line).
pub fn join_options(options: &[String]) -> String {
    options.join("\n")
}

/// Stored options back as a list.
pub fn split_options(stored: &str) -> Vec<String> {
    stored.lines().map(str::to_string).collect()
}

/// Check a participant's answers (`choices[i]` for question `i`) against the test's number of
/// options per question. Every question must be answered with one of its options.
pub fn check_answers(option_counts: &[usize], choices: &[Option<usize>]) -> Result<(), Vec<usize>> {
    let missing: Vec<usize> = option_counts
        .iter()
        .enumerate()
        .filter(|(i, n)| !matches!(choices.get(*i), Some(Some(c)) if c < n))
        .map(|(i, _)| i)
        .collect();
    if missing.is_empty() && choices.len() == option_counts.len() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// One answered test, as the results are computed from.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// Who took it (the attendee): the gain compares the same people before and after.
    pub participant: i64,
    pub kind: QuizKind,
    /// Village of the participant ("" for elsewhere).
    pub village: String,
    /// Per question: answered right?
    pub right: Vec<bool>,
}

/// Pre and post figures of one group (a question, a village, everyone).
///
/// The shares right, and so the gain, count only the participants who took **both** tests:
/// comparing everyone who took the pre-test with everyone who took the post-test would
/// measure who stayed to the end as much as what they learnt. When nobody took both, the
/// shares are of each test's takers and there is no gain.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Gain {
    /// Tests taken.
    pub pre_n: usize,
    pub post_n: usize,
    /// Participants who took both tests (whose answers the shares compare).
    pub paired_n: usize,
    /// Share right, in percent (one decimal); `None` when nobody took that test.
    pub pre_pct: Option<f64>,
    pub post_pct: Option<f64>,
}

impl Gain {
    /// Post minus pre in percentage points, for the participants who took both tests.
    pub fn gain(&self) -> Option<f64> {
        if self.paired_n == 0 {
            return None;
        }
        Some(round1(self.post_pct? - self.pre_pct?))
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[derive(Default)]
struct Tally {
    /// All tests: (taken, right, asked).
    pre: (usize, usize, usize),
    post: (usize, usize, usize),
    /// Tests of participants who took both.
    paired_pre: (usize, usize, usize),
    paired_post: (usize, usize, usize),
}

impl Tally {
    /// Add `right` of `total` from one test; `paired` when its taker took both tests.
    fn add(&mut self, kind: QuizKind, right: usize, total: usize, paired: bool) {
        let (all, pair) = match kind {
            QuizKind::Pre => (&mut self.pre, &mut self.paired_pre),
            QuizKind::Post => (&mut self.post, &mut self.paired_post),
        };
        for t in [Some(all), paired.then_some(pair)].into_iter().flatten() {
            t.0 += 1;
            t.1 += right;
            t.2 += total;
        }
    }

    fn gain(&self) -> Gain {
        let pct =
            |(_, r, t): (usize, usize, usize)| (t > 0).then(|| round1(100.0 * r as f64 / t as f64));
        let paired_n = self.paired_pre.0.min(self.paired_post.0);
        let (pre, post) = if paired_n > 0 {
            (self.paired_pre, self.paired_post)
        } else {
            (self.pre, self.post)
        };
        Gain {
            pre_n: self.pre.0,
            post_n: self.post.0,
            paired_n,
            pre_pct: pct(pre),
            post_pct: pct(post),
        }
    }
}

/// Results of an event's tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Results {
    pub overall: Gain,
    /// One per question, in test order.
    pub per_question: Vec<Gain>,
    /// Village code with its figures, in the order villages first appear.
    pub per_village: Vec<(String, Gain)>,
}

/// Per question, per village and overall figures of `attempts` of a test with `questions`
/// questions. Attempts with a different number of answers are ignored (they cannot happen:
/// a test's questions are fixed when it opens).
pub fn results(questions: usize, attempts: &[Attempt]) -> Results {
    let mut overall = Tally::default();
    let mut per_q: Vec<Tally> = (0..questions).map(|_| Tally::default()).collect();
    let mut per_v: Vec<(String, Tally)> = Vec::new();
    let valid: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.right.len() == questions)
        .collect();
    let took =
        |who: i64, kind: QuizKind| valid.iter().any(|a| a.participant == who && a.kind == kind);
    for a in &valid {
        let paired = took(a.participant, QuizKind::Pre) && took(a.participant, QuizKind::Post);
        let right = a.right.iter().filter(|r| **r).count();
        overall.add(a.kind, right, questions, paired);
        for (q, r) in per_q.iter_mut().zip(&a.right) {
            q.add(a.kind, usize::from(*r), 1, paired);
        }
        let pos = match per_v.iter().position(|(v, _)| *v == a.village) {
            Some(p) => p,
            None => {
                per_v.push((a.village.clone(), Tally::default()));
                per_v.len() - 1
            }
        };
        per_v[pos].1.add(a.kind, right, questions, paired);
    }
    Results {
        overall: overall.gain(),
        per_question: per_q.iter().map(Tally::gain).collect(),
        per_village: per_v.into_iter().map(|(v, t)| (v, t.gain())).collect(),
    }
}

/// The bank Benteng ships with: (topic, question, options, correct index, source).
pub const INITIAL_BANK: &[(&str, &str, &[&str], usize, &str)] = &[
    (
        "prosedur",
        "Di mana calon PMI mendaftar dan menandatangani perjanjian penempatan secara resmi?",
        &[
            "Di LTSA/Disnaker kabupaten melalui SIAPkerja",
            "Cukup kepada sponsor atau calo di desa",
            "Langsung di bandara saat berangkat",
            "Di kantor agen di negara tujuan",
        ],
        0,
        "UU 18/2017 Pasal 13 dan 38; SE Menaker B-3/01/PK.002.01/11/2023",
    ),
    (
        "prosedur",
        "Berapa usia paling rendah untuk bekerja ke luar negeri sebagai PMI?",
        &["15 tahun", "16 tahun", "18 tahun", "21 tahun"],
        2,
        "UU 18/2017 Pasal 5 huruf a",
    ),
    (
        "prosedur",
        "Untuk jabatan pengurus rumah tangga, berapa biaya penempatan yang boleh dibebankan kepada PMI?",
        &[
            "Tidak ada (bebas biaya penempatan)",
            "Sebesar satu bulan gaji",
            "Sesuai permintaan sponsor",
            "Dipotong dari gaji selama enam bulan",
        ],
        0,
        "UU 18/2017 Pasal 30; Peraturan BP2MI 9/2020",
    ),
    (
        "tanda_bahaya",
        "Seseorang menawarkan kerja ke Arab Saudi sebagai pembantu rumah tangga perorangan dengan visa umrah. Ini adalah…",
        &[
            "Penempatan resmi yang aman",
            "Penempatan nonprosedural yang dilarang (moratorium Timur Tengah)",
            "Boleh asal ada surat dari desa",
            "Boleh asal membayar lebih mahal",
        ],
        1,
        "Kepmenaker 260/2015; UU 18/2017 Pasal 5",
    ),
    (
        "tanda_bahaya",
        "Mana yang merupakan tanda bahaya perekrutan?",
        &[
            "Perusahaan memiliki izin SIP3MI yang bisa dicek",
            "Proses melalui Disnaker dan pelatihan resmi",
            "Paspor ditahan perekrut dan umur di KTP dituakan",
            "Kontrak kerja dibaca dan ditandatangani sebelum berangkat",
        ],
        2,
        "UU 21/2007 Pasal 1 dan 2; indikator kerja paksa ILO",
    ),
    (
        "dokumen",
        "Visa apa yang benar untuk bekerja di luar negeri?",
        &["Visa turis", "Visa umrah", "Visa kerja", "Tidak perlu visa"],
        2,
        "UU 18/2017 Pasal 13 huruf g",
    ),
    (
        "dokumen",
        "Dokumen apa dari keluarga yang wajib dimiliki calon PMI dan diketahui kepala desa?",
        &[
            "Surat izin suami/istri, orang tua atau wali",
            "Surat keterangan kelakuan baik dari sponsor",
            "Surat pernyataan utang",
            "Tidak ada",
        ],
        0,
        "UU 18/2017 Pasal 13 huruf b",
    ),
    (
        "layanan",
        "Ke nomor berapa PMI atau keluarganya dapat mengadu secara gratis 24 jam?",
        &[
            "0800-1000 (Crisis Center KP2MI/BP2MI)",
            "Nomor WhatsApp sponsor",
            "112 saja",
            "Tidak ada layanan pengaduan",
        ],
        0,
        "Crisis Center KP2MI/BP2MI",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn input(options: &str, correct: &str) -> BankInput {
        BankInput {
            topic: "prosedur".into(),
            question: "Di mana mendaftar?".into(),
            options: options.into(),
            correct: correct.into(),
            source: "UU 18/2017".into(),
            active: "1".into(),
        }
    }

    #[test]
    fn a_bank_question_needs_options_and_a_right_one() {
        let q = input("LTSA\n\n Calo \n", "1").parse().unwrap();
        assert_eq!(q.options, vec!["LTSA", "Calo"]);
        assert_eq!(q.correct, 0);
        assert!(q.active);
        let codes = |i: BankInput| {
            i.parse()
                .unwrap_err()
                .0
                .iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(input("hanya satu", "2")),
            vec![
                ("options", "err-quiz-options"),
                ("correct", "err-quiz-correct")
            ]
        );
        assert_eq!(
            codes(input("a\nb", "3")),
            vec![("correct", "err-quiz-correct")]
        );
        assert_eq!(
            codes(input("a\nb", "0")),
            vec![("correct", "err-quiz-correct")]
        );
        assert_eq!(
            codes(input("a\nb\nc\nd\ne\nf", "1")),
            vec![("options", "err-quiz-options")]
        );
        let mut bad = input("a\nb", "2");
        bad.topic = "lain".into();
        assert_eq!(codes(bad), vec![("topic", "err-invalid-choice")]);
    }

    #[test]
    fn every_question_must_be_answered_with_one_of_its_options() {
        assert!(check_answers(&[3, 2], &[Some(2), Some(0)]).is_ok());
        assert_eq!(check_answers(&[3, 2], &[Some(3), None]), Err(vec![0, 1]));
        assert_eq!(check_answers(&[3, 2], &[Some(0)]), Err(vec![1]));
        assert!(check_answers(&[3], &[Some(0), Some(1)]).is_err());
    }

    #[test]
    fn the_gain_compares_pre_and_post_per_question_and_village() {
        let a = |who, kind, village: &str, right: &[bool]| Attempt {
            participant: who,
            kind,
            village: village.into(),
            right: right.to_vec(),
        };
        let r = results(
            2,
            &[
                a(1, QuizKind::Pre, "A", &[true, false]),
                a(2, QuizKind::Pre, "B", &[false, false]),
                a(1, QuizKind::Post, "A", &[true, true]),
                a(2, QuizKind::Post, "B", &[true, false]),
                // A test of another length is ignored.
                a(3, QuizKind::Post, "B", &[true]),
            ],
        );
        assert_eq!(r.overall.pre_n, 2);
        assert_eq!(r.overall.post_n, 2);
        assert_eq!(r.overall.paired_n, 2);
        assert_eq!(r.overall.pre_pct, Some(25.0));
        assert_eq!(r.overall.post_pct, Some(75.0));
        assert_eq!(r.overall.gain(), Some(50.0));
        assert_eq!(r.per_question[0].pre_pct, Some(50.0));
        assert_eq!(r.per_question[0].post_pct, Some(100.0));
        assert_eq!(r.per_question[1].gain(), Some(50.0));
        assert_eq!(r.per_village[0].0, "A");
        assert_eq!(r.per_village[0].1.gain(), Some(50.0));
        assert_eq!(r.per_village[1].1.pre_pct, Some(0.0));
        // Nobody took the post-test: no gain, not zero.
        let only_pre = results(1, &[a(1, QuizKind::Pre, "A", &[true])]);
        assert_eq!(only_pre.overall.post_pct, None);
        assert_eq!(only_pre.overall.gain(), None);
    }

    #[test]
    fn the_gain_compares_the_same_people_before_and_after() {
        let a = |who, kind, right: bool| Attempt {
            participant: who,
            kind,
            village: String::new(),
            right: vec![right],
        };
        // Three took the pre-test (two wrong); only the one who knew already stayed for the
        // post-test, and a latecomer who knew took only the post-test. Comparing all takers
        // would show +66.7 points; the same person knew before and after: no gain.
        let r = results(
            1,
            &[
                a(1, QuizKind::Pre, true),
                a(2, QuizKind::Pre, false),
                a(3, QuizKind::Pre, false),
                a(1, QuizKind::Post, true),
                a(4, QuizKind::Post, true),
            ],
        );
        assert_eq!(
            (r.overall.pre_n, r.overall.post_n, r.overall.paired_n),
            (3, 2, 1)
        );
        assert_eq!(r.overall.pre_pct, Some(100.0));
        assert_eq!(r.overall.post_pct, Some(100.0));
        assert_eq!(r.overall.gain(), Some(0.0));
        // Nobody took both: each test's share, and no gain.
        let r = results(1, &[a(2, QuizKind::Pre, false), a(4, QuizKind::Post, true)]);
        assert_eq!(
            (r.overall.pre_pct, r.overall.post_pct),
            (Some(0.0), Some(100.0))
        );
        assert_eq!(r.overall.gain(), None);
    }

    #[test]
    fn the_shipped_bank_is_valid() {
        for (topic, question, options, correct, source) in INITIAL_BANK {
            let q = BankInput {
                topic: topic.to_string(),
                question: question.to_string(),
                options: options.join("\n"),
                correct: (correct + 1).to_string(),
                source: source.to_string(),
                active: "1".into(),
            }
            .parse()
            .unwrap_or_else(|e| panic!("{question}: {e:?}"));
            assert_eq!(q.options.len(), options.len());
        }
        assert!(INITIAL_BANK.len() <= MAX_EVENT_QUESTIONS);
    }

    #[test]
    fn stages_open_one_test_at_a_time() {
        assert_eq!(QuizStage::Pre.open_test(), Some(QuizKind::Pre));
        assert_eq!(QuizStage::Post.open_test(), Some(QuizKind::Post));
        assert_eq!(QuizStage::Closed.open_test(), None);
    }
}
