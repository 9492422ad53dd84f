//! The conformance suite: behaviour every `Store` backend must show, written against the trait
//! alone. A backend runs it with [`conformance_suite!`](crate::conformance_suite), passing an
//! async function that makes a fresh, empty, migrated store, and one that makes an [`Opener`] of
//! a fresh database. Most cases take one store; the migration cases take two, both made by the
//! first function; the cases about several nodes or restarts take an opener, and open the same
//! database as often as they need.

mod admin;
mod canned;
mod chats;
mod conversations;
mod directory;
mod faqs;
mod fixture;
mod history;
mod mail;
mod messages;
mod migration;
mod monitoring;
mod privacy;
mod reports;
mod timers;
mod transcripts;
mod transfers;

pub use admin::*;
pub use canned::*;
pub use chats::*;
pub use conversations::*;
pub use directory::*;
pub use faqs::*;
pub use fixture::Fixture;
pub use history::*;
pub use mail::*;
pub use messages::*;
pub use migration::*;
pub use monitoring::*;
pub use privacy::*;
pub use reports::*;
pub use timers::*;
pub use transcripts::*;
pub use transfers::*;

/// Opens another store instance on one and the same (fresh) database each time it is called, as
/// another node or a restarted process would.
pub type Opener =
    std::sync::Arc<dyn Fn() -> futures::future::LocalBoxFuture<'static, crate::DynStore>>;

/// Generates one `#[tokio::test]` per conformance case. `$make` is an async fn returning a fresh
/// store (`DynStore`); a case of the second list gets two such stores; `$open` is an async fn
/// returning an [`Opener`] of a fresh database, for the third list. Extra attributes (e.g.
/// `#[ignore = "…"]`) are put on every test.
#[macro_export]
macro_rules! conformance_suite {
    ($make:path, $open:path $(, #[$attr:meta])*) => {
        $crate::conformance_suite!(@cases $make, [$(#[$attr])*]
            directory_round_trips
            widgets_are_rewritten_in_place
            duplicate_directory_entries_conflict
            sessions_expire_and_end
            a_password_change_ends_every_session_of_its_user
            a_second_factor_is_kept_and_each_code_step_used_once
            guests_are_found_by_token_hash
            start_chat_stores_the_question_as_seq_1
            one_open_chat_per_guest
            a_new_guest_is_stored_with_its_chat
            an_outbound_chat_starts_held_by_its_librarian
            routing_steps_taken_at_start_are_stored_with_the_chat
            tags_are_kept_with_chats_and_offered_by_prefix
            canned_messages_are_kept_by_scope
            a_chat_is_rated_once
            mails_are_claimed_once_retried_and_given_up
            attachments_are_recorded_with_their_chat
            tickets_keep_entries_and_queue_replies_in_one_step
            faq_search_ranks_real_questions_and_keeps_to_its_scope
            faqs_are_kept_replaced_and_deleted
            transcripts_are_found_by_their_words_once_ended
            the_audit_log_is_kept_per_institution_newest_first
            patrons_are_forgotten_and_transcripts_deleted_once_ended
            a_guests_chats_are_listed_since_an_instant
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
            patron_numbers_skip_internal_notes
            claim_is_compare_and_set
            concurrent_claims_have_one_winner
            transitions_record_a_system_message
            chat_lists_page_and_cover_departments
            every_transition_writes_its_history_row
            a_stale_version_is_refused_even_in_the_same_state
            a_rolled_back_transition_leaves_nothing
            grants_and_coops_round_trip
            cancelled_and_superseded_timers_do_not_fire
            a_lapsed_claim_is_taken_again
            decisions_set_and_cancel_their_timers
            direct_conversations_are_one_per_pair
            racing_opens_of_one_pair_make_one_conversation
            rooms_are_one_per_scope_and_made_rooms_keep_their_members
            staff_chat_is_trimmed_for_an_institution
            conversation_messages_are_gap_free_beside_chats
            conversation_retries_are_stored_once
            streams_take_only_their_own_kinds
            a_transfer_is_pending_once_and_accepted_once
            a_transfer_fails_whole_when_its_chat_moved_on
            pending_transfers_are_listed_for_those_concerned
            monitoring_is_switched_per_scope_and_reset
            chats_held_counts_active_chats
            institution_policies_default_and_round_trip
            staffed_queues_need_a_connected_monitor
            coop_hours_and_routed_chats_round_trip
            admin_lists_page_and_roles_change
            leaving_a_coop_is_refused_while_a_chat_is_offered_to_it
            a_department_in_use_is_not_deleted
            staff_presence_is_leased_per_node
            chat_facts_tell_each_chats_outcome_and_first_answer
            monitoring_sessions_keep_who_covered_when
        );
        $crate::conformance_suite!(@pairs $make, [$(#[$attr])*]
            a_dump_restores_exactly_into_an_empty_store
        );
        $crate::conformance_suite!(@shared $open, [$(#[$attr])*]
            due_timers_are_claimed_exactly_once_by_racing_stores
            a_timer_survives_reopening_the_store
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
    // Cases that open one database several times.
    (@shared $open:path, $attrs:tt $($case:ident)*) => {
        $( $crate::conformance_suite!(@one_db $open, $attrs $case); )*
    };
    (@one_db $open:path, [$(#[$attr:meta])*] $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        $(#[$attr])*
        async fn $case() {
            $crate::conformance::$case($open().await).await;
        }
    };
}
