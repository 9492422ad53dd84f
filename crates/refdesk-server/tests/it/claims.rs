//! Claims are decided by the store: of operators claiming one chat at once, exactly one wins.

use crate::app::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_operators_racing_for_a_chat_one_wins_every_time() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    for round in 0..40 {
        let (chat, _) = app.start_chat(&format!("race {round}")).await;
        let (a, b) = tokio::join!(app.claim(&alice, &chat), app.claim(&bob, &chat));
        let statuses = [a.0, b.0];
        assert!(
            statuses.contains(&200) && statuses.contains(&409),
            "round {round}: {statuses:?}"
        );
        let loser = if a.0 == 409 { &a.1 } else { &b.1 };
        assert_eq!(loser["error"]["code"], "already_claimed", "{loser}");
        let winner = if a.0 == 200 { &alice } else { &bob };
        let (_, chat_now) = app
            .get(&format!("/api/chats/{chat}"), Some(&bob.cookie), None)
            .await;
        assert_eq!(chat_now["operator"]["id"], winner.id.as_str());
        // One "joined" system message, not two.
        let (_, hist) = app
            .get(
                &format!("/api/chats/{chat}/messages"),
                Some(&alice.cookie),
                None,
            )
            .await;
        let system = hist["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "system")
            .count();
        assert_eq!(system, 1);
    }
}

#[tokio::test]
async fn claiming_your_own_chat_again_is_fine_and_the_other_sees_it_taken() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (mut bob_ws, _) = app.staff_ws(&bob).await;
    let (chat, _) = app.start_chat("hello").await;
    let (arrived, _) = bob_ws.until("chat").await;
    assert_eq!(arrived["chat"]["status"], "waiting");
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let (taken, _) = bob_ws.until("chat").await;
    assert_eq!(taken["chat"]["status"], "active");
    assert_eq!(taken["chat"]["operator"]["name"], "Alice Archer");
    let (status, body) = app.claim(&bob, &chat).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already_claimed"))
    );
}
