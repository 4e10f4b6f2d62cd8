//! The one access policy of Benteng: `can(actor, action, place)`.
//!
//! Two questions decide every access: may this *role* do this *action* at all, and is the
//! record's *place* inside the actor's scope. The data layer asks both before it reads or
//! writes anything, and filters lists by the scope, so a handler cannot forget either.

use crate::region::RegionCode;
use crate::role::{Role, Scope};
use serde::Serialize;

/// Who is acting, with everything the policy needs. Built by the data layer per request.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Village mentor (Petugas Imigrasi Pembina Desa).
    pub pimpasa: bool,
    /// Passport interviewer.
    pub pemeriksa: bool,
    pub office_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub scope: Scope,
}

/// Everything a user can ask to do in the platform core. Later modules add their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    RegionView,
    OfficeView,
    OfficeManage,
    AgencyView,
    AgencyManage,
    DesaBinaanView,
    /// Enrol, edit, assign officers, manage contacts.
    DesaBinaanManage,
    /// See village contacts' phone numbers unmasked (each view is audited).
    ContactView,
    VisitView,
    VisitRecord,
    UserView,
    UserManage,
    AuditView,
    /// File a report for a place in scope (the public form needs no account).
    ReportCreate,
    ReportView,
    /// Triage: indicators, assignment, status, merging.
    ReportTriage,
    /// Add information to an existing report.
    ReportAddInfo,
    /// See reporter contacts and people's phones and NIKs unmasked (each view audited).
    ReportSensitiveView,
    ReferralCreate,
    ReferralView,
    /// Accept, decline, record actions and finish referrals sent to one's own agency.
    ReferralRespond,
    CaseView,
    CaseManage,
    CaseExport,
    /// Screen a passport applicant (the interviewer: a petugas with the pemeriksa flag).
    ScreeningRun,
    /// See screenings and their monthly figures (the office's own; the Kanwil its province's).
    ScreeningView,
    /// See the watchlist entries of one's area.
    WatchlistView,
    /// Flag people, import lists, end entries.
    WatchlistManage,
    /// Keep the registry of licensed placement companies (P3MI); anyone may search it.
    P3miManage,
    /// See the calon PMI register of one's area (partner agencies: Disnaker and BP3MI only,
    /// checked in the data layer).
    MigrantView,
    /// Keep the village's register and issue the family permission letter.
    MigrantManage,
    /// Mark a resident's checklist step as verified (Disnaker and BP3MI).
    MigrantVerify,
    /// See a registered resident's NIK and phone unmasked (each view audited).
    MigrantSensitiveView,
    /// Edit the public guide to legal migration and the checklist steps.
    GuideManage,
    /// See awareness events of one's area with their attendance.
    EventView,
    /// Plan events, record attendance (officers, the Kanwil).
    EventManage,
    /// Edit the quiz question bank shared by every event (admins and the Kanwil).
    QuizBankManage,
    /// Use the coordination rooms (reading one needs an active membership, checked in the
    /// data layer).
    RoomView,
    /// Add and remove room members (admins; officers and the Kanwil for rooms of their area).
    RoomManage,
    /// Post an alert (waspada) to every room of an area.
    AlertPost,
    /// Read and answer residents' WhatsApp messages to the office's number, turn them into
    /// reports.
    WhatsappInbox,
    /// Record and answer data-subject requests (UU 27/2022): find, export, correct and erase
    /// what is held about a person in the office's area (officers and admins).
    SubjectRequest,
    /// Register partner systems' webhooks and read their delivery log (administrators for
    /// any scope, the Kanwil for its province).
    WebhookManage,
    /// See the dashboard's figures of one's area (and the monthly report): counts only, each
    /// section also needs the view permission of its records.
    FiguresView,
    /// Read the stored monthly reports (`/laporan-bulanan`): the office's own, the Kanwil's
    /// province and its offices'. Villages and partner agencies do not report upward.
    MonthlyReportView,
}

impl Action {
    pub const ALL: [Action; 45] = [
        Action::RegionView,
        Action::OfficeView,
        Action::OfficeManage,
        Action::AgencyView,
        Action::AgencyManage,
        Action::DesaBinaanView,
        Action::DesaBinaanManage,
        Action::ContactView,
        Action::VisitView,
        Action::VisitRecord,
        Action::UserView,
        Action::UserManage,
        Action::AuditView,
        Action::ReportCreate,
        Action::ReportView,
        Action::ReportTriage,
        Action::ReportAddInfo,
        Action::ReportSensitiveView,
        Action::ReferralCreate,
        Action::ReferralView,
        Action::ReferralRespond,
        Action::CaseView,
        Action::CaseManage,
        Action::CaseExport,
        Action::ScreeningRun,
        Action::ScreeningView,
        Action::WatchlistView,
        Action::WatchlistManage,
        Action::P3miManage,
        Action::MigrantView,
        Action::MigrantManage,
        Action::MigrantVerify,
        Action::MigrantSensitiveView,
        Action::GuideManage,
        Action::EventView,
        Action::EventManage,
        Action::QuizBankManage,
        Action::RoomView,
        Action::RoomManage,
        Action::AlertPost,
        Action::WhatsappInbox,
        Action::SubjectRequest,
        Action::WebhookManage,
        Action::FiguresView,
        Action::MonthlyReportView,
    ];
}

/// May `role` (with its flags) do `action` somewhere in its scope?
fn role_allows(actor: &Actor, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match (actor.role, action) {
        (Admin, _) => true,
        (_, RegionView | DesaBinaanView | VisitView) => true,
        (Kanwil | Petugas, OfficeView | DesaBinaanManage) => true,
        (Kanwil | Petugas | Mitra, AgencyView) => true,
        (Kanwil | Petugas | Desa, ContactView) => true,
        (Kanwil, UserView | AuditView) => true,
        // Reports: villages and officers file them; officers triage; the Kanwil watches.
        (Petugas | Desa, ReportCreate | ReportAddInfo) => true,
        (Kanwil | Petugas | Desa, ReportView) => true,
        (Petugas, ReportTriage | ReportSensitiveView | ReferralCreate | CaseManage) => true,
        // Partner agencies see referrals sent to their agency (checked in the data layer).
        (Kanwil | Petugas | Mitra, ReferralView) => true,
        (Mitra, ReferralRespond) => true,
        (Kanwil | Petugas, CaseView | CaseExport) => true,
        // Visits are the village mentor's work.
        (Petugas, VisitRecord) => actor.pimpasa,
        // Screening is the passport interviewer's work; the office and the Kanwil follow it.
        (Petugas, ScreeningRun) => actor.pemeriksa,
        (Kanwil | Petugas, ScreeningView | WatchlistView) => true,
        (Petugas, WatchlistManage) => true,
        // The calon PMI register is the village's; officers, the Kanwil and the labour
        // agencies follow it, and Disnaker/BP3MI verify its steps.
        (Kanwil | Petugas | Mitra | Desa, MigrantView) => true,
        (Desa, MigrantManage) => true,
        (Mitra, MigrantVerify) => true,
        (Petugas | Mitra | Desa, MigrantSensitiveView) => true,
        // Awareness events: officers and the Kanwil run them; villages and partner agencies
        // (their speakers) follow them.
        (_, EventView) => true,
        (Kanwil | Petugas, EventManage) => true,
        (Kanwil, QuizBankManage) => true,
        // Coordination: everyone talks in their rooms; officers and the Kanwil run them and
        // warn their area; officers answer the office's WhatsApp number.
        (_, RoomView) => true,
        (Kanwil | Petugas, RoomManage | AlertPost) => true,
        (Petugas, WhatsappInbox) => true,
        // Data-subject requests are answered by the office that holds the data unmasked.
        (Petugas, SubjectRequest) => true,
        // Partner systems are connected for a province or the country.
        (Kanwil, WebhookManage) => true,
        // Figures are for those who steer or run the programme in an area; partner agencies
        // work from their referrals.
        (Kanwil | Petugas | Desa, FiguresView) => true,
        (Kanwil | Petugas, MonthlyReportView) => true,
        _ => false,
    }
}

/// The policy. `place` is the region the record belongs to; `None` asks whether the action is
/// open to the actor at all (lists are then filtered by [`Scope`] in the data layer).
pub fn can(actor: &Actor, action: Action, place: Option<&RegionCode>) -> bool {
    if !role_allows(actor, action) {
        return false;
    }
    match place {
        None => !matches!(actor.scope, Scope::Nothing) || action == Action::RegionView,
        Some(code) => action == Action::RegionView || actor.scope.touches(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn actor(role: Role, pimpasa: bool) -> Actor {
        let scope = match role {
            Role::Admin => Scope::All,
            Role::Kanwil => Scope::Province(rc("35")),
            Role::Petugas => Scope::Regencies(vec![rc("35.07"), rc("35.73")]),
            Role::Mitra => Scope::Regencies(vec![rc("35.07")]),
            Role::Desa => Scope::Village(rc("35.07.11.2001")),
        };
        Actor {
            user_id: 1,
            username: "u".into(),
            role,
            pimpasa,
            pemeriksa: false,
            office_id: None,
            agency_id: None,
            scope,
        }
    }

    /// The role table: for each action, which roles may do it anywhere in their scope.
    /// Columns: admin, kanwil, petugas (pimpasa), petugas (not pimpasa), mitra, desa.
    #[test]
    fn role_table() {
        use Action::*;
        let table: &[(Action, [bool; 6])] = &[
            (RegionView, [true, true, true, true, true, true]),
            (OfficeView, [true, true, true, true, false, false]),
            (OfficeManage, [true, false, false, false, false, false]),
            (AgencyView, [true, true, true, true, true, false]),
            (AgencyManage, [true, false, false, false, false, false]),
            (DesaBinaanView, [true, true, true, true, true, true]),
            (DesaBinaanManage, [true, true, true, true, false, false]),
            (ContactView, [true, true, true, true, false, true]),
            (VisitView, [true, true, true, true, true, true]),
            (VisitRecord, [true, false, true, false, false, false]),
            (UserView, [true, true, false, false, false, false]),
            (UserManage, [true, false, false, false, false, false]),
            (AuditView, [true, true, false, false, false, false]),
            (ReportCreate, [true, false, true, true, false, true]),
            (ReportView, [true, true, true, true, false, true]),
            (ReportTriage, [true, false, true, true, false, false]),
            (ReportAddInfo, [true, false, true, true, false, true]),
            (ReportSensitiveView, [true, false, true, true, false, false]),
            (ReferralCreate, [true, false, true, true, false, false]),
            (ReferralView, [true, true, true, true, true, false]),
            (ReferralRespond, [true, false, false, false, true, false]),
            (CaseView, [true, true, true, true, false, false]),
            (CaseManage, [true, false, true, true, false, false]),
            (CaseExport, [true, true, true, true, false, false]),
            // Neither petugas here is a pemeriksa; see `only_interviewers_screen`.
            (ScreeningRun, [true, false, false, false, false, false]),
            (ScreeningView, [true, true, true, true, false, false]),
            (WatchlistView, [true, true, true, true, false, false]),
            (WatchlistManage, [true, false, true, true, false, false]),
            (P3miManage, [true, false, false, false, false, false]),
            (MigrantView, [true, true, true, true, true, true]),
            (MigrantManage, [true, false, false, false, false, true]),
            (MigrantVerify, [true, false, false, false, true, false]),
            (MigrantSensitiveView, [true, false, true, true, true, true]),
            (GuideManage, [true, false, false, false, false, false]),
            (EventView, [true, true, true, true, true, true]),
            (EventManage, [true, true, true, true, false, false]),
            (QuizBankManage, [true, true, false, false, false, false]),
            (RoomView, [true, true, true, true, true, true]),
            (RoomManage, [true, true, true, true, false, false]),
            (AlertPost, [true, true, true, true, false, false]),
            (WhatsappInbox, [true, false, true, true, false, false]),
            (SubjectRequest, [true, false, true, true, false, false]),
            (WebhookManage, [true, true, false, false, false, false]),
            (FiguresView, [true, true, true, true, false, true]),
            (MonthlyReportView, [true, true, true, true, false, false]),
        ];
        assert_eq!(
            table.len(),
            Action::ALL.len(),
            "every action is in the table"
        );
        let actors = [
            actor(Role::Admin, false),
            actor(Role::Kanwil, false),
            actor(Role::Petugas, true),
            actor(Role::Petugas, false),
            actor(Role::Mitra, false),
            actor(Role::Desa, false),
        ];
        for (action, expected) in table {
            for (a, want) in actors.iter().zip(expected) {
                assert_eq!(
                    can(a, *action, None),
                    *want,
                    "{:?} (pimpasa={}) {:?}",
                    a.role,
                    a.pimpasa,
                    action
                );
            }
        }
    }

    #[test]
    fn only_interviewers_screen() {
        let mut p = actor(Role::Petugas, false);
        assert!(!can(&p, Action::ScreeningRun, None));
        p.pemeriksa = true;
        assert!(can(&p, Action::ScreeningRun, None));
        let mut k = actor(Role::Kanwil, false);
        k.pemeriksa = true;
        assert!(
            !can(&k, Action::ScreeningRun, None),
            "the flag is for officers"
        );
    }

    /// The place table: the same action on records in different places.
    #[test]
    fn place_table() {
        use Action::DesaBinaanView as V;
        let kalipare = rc("35.07.11.2001"); // desa in Kab Malang
        let other_kalipare = rc("35.07.11.2002");
        let kota_malang = rc("35.73.01.1001");
        let blitar = rc("35.05.01.2001"); // Jawa Timur, outside the office area
        let bali = rc("51.01.01.2001");
        let cases: &[(Role, &RegionCode, bool)] = &[
            (Role::Admin, &bali, true),
            (Role::Kanwil, &blitar, true),
            (Role::Kanwil, &bali, false),
            (Role::Petugas, &kalipare, true),
            (Role::Petugas, &kota_malang, true),
            (Role::Petugas, &blitar, false),
            (Role::Mitra, &kalipare, true),
            (Role::Mitra, &kota_malang, false),
            (Role::Desa, &kalipare, true),
            (Role::Desa, &other_kalipare, false),
            (Role::Desa, &blitar, false),
        ];
        for (role, place, want) in cases {
            assert_eq!(
                can(&actor(*role, true), V, Some(place)),
                *want,
                "{role:?} {place}"
            );
        }
    }

    #[test]
    fn nothing_scope_sees_nothing_but_regions() {
        let mut a = actor(Role::Petugas, true);
        a.scope = Scope::Nothing;
        assert!(!can(&a, Action::DesaBinaanView, None));
        assert!(!can(&a, Action::DesaBinaanView, Some(&rc("35.07.11.2001"))));
        assert!(can(&a, Action::RegionView, None));
    }

    #[test]
    fn province_records_are_visible_inside_the_province() {
        let a = actor(Role::Petugas, false);
        assert!(can(&a, Action::OfficeView, Some(&rc("35"))));
        assert!(!can(&a, Action::OfficeView, Some(&rc("51"))));
    }
}
