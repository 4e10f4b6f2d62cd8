//! HTTP tests against the real app on 127.0.0.1:0 with a fresh database per test: SQLite by
//! default, PostgreSQL when `BENTENG_TEST_DATABASE_URL` points at a server (each test creates
//! and drops its own database there). One binary keeps linking fast.

mod harness;

mod api;
mod api_public;
mod area_picker;
mod audit_chain;
mod auth;
mod case_export_api;
mod channels;
mod dashboard;
mod dashboard_offices;
mod delivery;
mod durability;
mod event_quiz;
mod event_quiz_more;
mod event_room;
mod events;
mod front_door;
mod full_disk;
mod home_queues;
mod list_scope;
mod migrant_guide;
mod migrant_pages;
mod migrants;
mod module_permissions;
mod monthly_reports;
mod nik_desk;
mod own_sessions;
mod p3mi;
mod pages;
mod permissions;
mod probe;
mod protections;
mod refusals;
mod refusals_modules;
mod report_files_api;
mod report_journey_api;
mod report_links_api;
mod report_lists;
mod report_pages;
mod report_triage_pages;
mod reports_api;
mod retention;
mod rooms;
mod scam_routes;
mod scope;
mod screening;
mod second_factor;
mod storage;
mod subjects;
mod two_areas;
mod village_privacy;
mod webhook_events;
mod webhooks;
