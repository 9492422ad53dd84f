//! Integration tests of the PostgreSQL store against a real server. They are ignored unless
//! asked for, since they need `REFDESK_TEST_DATABASE_URL`; CI runs them with
//! `--include-ignored`, and then a missing server fails them rather than skipping them.

mod nodes;
mod support;

refdesk_store::conformance_suite!(
    support::fresh_store,
    support::fresh_opener,
    #[ignore = "needs REFDESK_TEST_DATABASE_URL"]
);
