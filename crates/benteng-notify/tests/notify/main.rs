//! One test binary for the crate (links once on 2 cores): each channel against a real local
//! server speaking the provider's protocol, and the WhatsApp webhook functions.

mod email;
mod sms;
mod smtp_server;
mod webhook;
mod whatsapp;
