//! Monitoring state: switched on and off per scope, reset at sign-in, listed by scope; and the
//! count of chats each operator holds.

use super::fixture::{Fixture, decision, now};
use crate::{DynStore, StoreError};
use refdesk_core::*;
use uuid::Uuid;

pub async fn monitoring_is_switched_per_scope_and_reset(store: DynStore) {
    let f = Fixture::new(store).await;
    let coop = MonitorScope::Coop(Uuid::now_v7().into());
    let local = MonitorScope::Department(f.department.id);
    let t0 = now();
    let later = t0 + time::Duration::minutes(5);
    f.store
        .set_monitoring(f.alice.id, local, true, t0)
        .await
        .unwrap();
    f.store
        .set_monitoring(f.alice.id, coop, true, t0)
        .await
        .unwrap();
    // Switching on again keeps the first `since`.
    f.store
        .set_monitoring(f.alice.id, coop, true, later)
        .await
        .unwrap();
    f.store
        .set_monitoring(f.bob.id, coop, true, later)
        .await
        .unwrap();
    let mine = f.store.monitoring_of(f.alice.id).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|m| m.since == t0 && m.user_id == f.alice.id)
    );
    let on_coop = f.store.monitors_of(&[coop]).await.unwrap();
    let who: Vec<_> = on_coop.iter().map(|m| (m.user_id, m.since)).collect();
    assert_eq!(who, vec![(f.alice.id, t0), (f.bob.id, later)], "by since");
    assert_eq!(f.store.monitors_of(&[local, coop]).await.unwrap().len(), 3);
    assert!(f.store.monitors_of(&[]).await.unwrap().is_empty());

    f.store
        .set_monitoring(f.alice.id, coop, false, later)
        .await
        .unwrap();
    let left: Vec<_> = f.store.monitors_of(&[coop]).await.unwrap();
    assert_eq!(
        left.iter().map(|m| m.user_id).collect::<Vec<_>>(),
        vec![f.bob.id]
    );
    // A sign-in: everything else goes, only what is given stays on.
    f.store
        .set_monitoring(f.alice.id, coop, true, later)
        .await
        .unwrap();
    f.store
        .reset_monitoring(f.alice.id, &[local], later)
        .await
        .unwrap();
    let mine = f.store.monitoring_of(f.alice.id).await.unwrap();
    assert_eq!(
        mine.iter().map(|m| (m.scope, m.since)).collect::<Vec<_>>(),
        vec![(local, later)]
    );
    assert!(matches!(
        f.store
            .set_monitoring(Uuid::now_v7().into(), coop, true, t0)
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn chats_held_counts_active_chats(store: DynStore) {
    let f = Fixture::new(store).await;
    for _ in 0..2 {
        let (chat, _) = f.chat().await;
        let claim = ChatState::Waiting
            .decide(ChatCommand::Claim {
                operator: f.alice.id,
            })
            .unwrap();
        f.store
            .apply_decision(&decision(&chat, &claim), None)
            .await
            .unwrap();
    }
    f.chat().await;
    let held = f.store.chats_held(&[f.alice.id, f.bob.id]).await.unwrap();
    assert_eq!(held, vec![(f.alice.id, 2)]);
    assert!(f.store.chats_held(&[]).await.unwrap().is_empty());
}
