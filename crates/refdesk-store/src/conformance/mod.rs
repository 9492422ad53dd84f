//! The conformance suite: behaviour every `Store` backend must show, written against the trait
//! alone. A backend runs it with [`conformance_suite!`](crate::conformance_suite), passing an
//! async function that makes a fresh, empty, migrated store. Most cases take one store; the
//! migration cases take two, both made by that function.

mod chats;
mod directory;
mod fixture;
mod messages;
mod migration;

pub use chats::*;
pub use directory::*;
pub use fixture::Fixture;
pub use messages::*;
pub use migration::*;

/// Generates one `#[tokio::test]` per conformance case. `$make` is an async fn returning a fresh
/// store (`DynStore`); a case of the second list gets two such stores. Extra attributes (e.g.
/// `#[ignore = "…"]`) are put on every test.
#[macro_export]
macro_rules! conformance_suite {
    ($make:path $(, #[$attr:meta])*) => {
        $crate::conformance_suite!(@cases $make, [$(#[$attr])*]
            directory_round_trips
            duplicate_directory_entries_conflict
            sessions_expire_and_end
            guests_are_found_by_token_hash
            start_chat_stores_the_question_as_seq_1
            one_open_chat_per_guest
            parallel_starts_for_one_guest_make_one_chat
            chats_are_listed_by_institution_and_status
            appends_get_gap_free_sequence_numbers
            concurrent_appends_stay_gap_free
            retried_send_is_stored_once
            reused_client_id_with_other_content_is_refused
            client_ids_are_per_sender
            ended_chats_refuse_conversation_but_take_notes
            append_to_unknown_chat_is_not_found
            messages_after_pages_in_order
            claim_is_compare_and_set
            concurrent_claims_have_one_winner
            transitions_record_a_system_message
        );
        $crate::conformance_suite!(@pairs $make, [$(#[$attr])*]
            a_dump_restores_exactly_into_an_empty_store
        );
    };
    // The attributes travel as one token tree, so that they can be repeated for every case.
    (@cases $make:path, $attrs:tt $($case:ident)*) => {
        $( $crate::conformance_suite!(@case $make, $attrs $case); )*
    };
    (@case $make:path, [$(#[$attr:meta])*] $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        $(#[$attr])*
        async fn $case() {
            $crate::conformance::$case($make().await).await;
        }
    };
    // Cases that move data from one fresh store into another.
    (@pairs $make:path, $attrs:tt $($case:ident)*) => {
        $( $crate::conformance_suite!(@pair $make, $attrs $case); )*
    };
    (@pair $make:path, [$(#[$attr:meta])*] $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        $(#[$attr])*
        async fn $case() {
            $crate::conformance::$case($make().await, $make().await).await;
        }
    };
}
