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

pub async fn institution_policies_default_and_round_trip(store: DynStore) {
    let f = Fixture::new(store).await;
    let id = f.institution.id;
    assert_eq!(
        f.store.institution_policy(id).await.unwrap(),
        InstitutionPolicy::default()
    );
    let p = InstitutionPolicy {
        transcript_retention_days: Some(90),
        patron_identity_retention_days: Some(30),
        staff_chat_retention_days: Some(30),
        ip_addresses: IpAddresses::NotStored,
        referrer_query: ReferrerQuery::Kept,
        staff_names_shown_to_patrons: false,
        operator_grace_seconds: 120,
        max_chats_per_operator: Some(3),
        ask_still_monitoring_after_minutes: 30,
        coop_monitoring_at_sign_in: true,
        time_zone: "Europe/Paris".into(),
        transfer_timeout_seconds: 90,
        attachment_max_kb: 2048,
        attachment_kinds: vec![FileKind::Image],
        coop_hours_owed_per_week: 6,
    };
    f.store.set_institution_policy(id, &p).await.unwrap();
    assert_eq!(f.store.institution_policy(id).await.unwrap(), p);
    let again = InstitutionPolicy {
        max_chats_per_operator: None,
        ..p
    };
    f.store.set_institution_policy(id, &again).await.unwrap();
    assert_eq!(f.store.institution_policy(id).await.unwrap(), again);
    let unknown = InstitutionId::from(Uuid::now_v7());
    assert!(matches!(
        f.store.institution_policy(unknown).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.set_institution_policy(unknown, &again).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn staff_presence_is_leased_per_node(store: DynStore) {
    let f = Fixture::new(store).await;
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let t = now();
    let lease = t + time::Duration::seconds(90);
    let user = f.alice.id;
    assert!(!f.store.staff_connected_anywhere(user, t).await.unwrap());
    f.store.staff_connected(user, a, lease).await.unwrap();
    f.store.staff_connected(user, b, lease).await.unwrap();
    // Leaving node A while node B holds a socket: still here.
    assert!(!f.store.staff_disconnected(user, a, t).await.unwrap());
    assert!(f.store.staff_connected_anywhere(user, t).await.unwrap());
    assert!(
        f.store.staff_disconnected(user, b, t).await.unwrap(),
        "gone from every node"
    );
    // A node that died: its lease runs out and the user is reported once.
    f.store.staff_connected(user, a, lease).await.unwrap();
    f.store
        .staff_connected(f.bob.id, b, lease + time::Duration::hours(1))
        .await
        .unwrap();
    let later = lease + time::Duration::seconds(1);
    assert!(!f.store.staff_connected_anywhere(user, later).await.unwrap());
    assert_eq!(f.store.take_expired_staff(later).await.unwrap(), vec![user]);
    assert!(f.store.take_expired_staff(later).await.unwrap().is_empty());
    assert!(
        f.store
            .staff_connected_anywhere(f.bob.id, later)
            .await
            .unwrap()
    );
    // The chats an operator holds.
    let (chat, _) = f.chat().await;
    let claim = ChatState::Waiting
        .decide(ChatCommand::Claim { operator: user })
        .unwrap();
    f.store
        .apply_decision(&decision(&chat, &claim), None)
        .await
        .unwrap();
    let held = f.store.chats_of_operator(user).await.unwrap();
    assert_eq!(held.iter().map(|c| c.id).collect::<Vec<_>>(), vec![chat.id]);
    assert!(
        f.store
            .chats_of_operator(f.bob.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Routing asks which queues are staffed: monitored by someone a node holds a socket of.
pub async fn staffed_queues_need_a_connected_monitor(store: DynStore) {
    let f = Fixture::new(store).await;
    let coop = MonitorScope::Coop(Uuid::now_v7().into());
    let local = MonitorScope::Department(f.department.id);
    let t0 = now();
    let node = Uuid::now_v7();
    f.store
        .set_monitoring(f.alice.id, local, true, t0)
        .await
        .unwrap();
    f.store
        .set_monitoring(f.bob.id, coop, true, t0)
        .await
        .unwrap();
    // Monitoring, but no dashboard connected anywhere: not staffed.
    assert!(
        f.store
            .staffed(&[local, coop], t0)
            .await
            .unwrap()
            .is_empty()
    );
    f.store
        .staff_connected(f.alice.id, node, t0 + time::Duration::seconds(90))
        .await
        .unwrap();
    assert_eq!(
        f.store.staffed(&[local, coop], t0).await.unwrap(),
        vec![local]
    );
    f.store
        .staff_connected(f.bob.id, node, t0 + time::Duration::seconds(30))
        .await
        .unwrap();
    let both = f.store.staffed(&[coop, local], t0).await.unwrap();
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&coop) && both.contains(&local));
    // Bob's lease runs out: his co-op is no longer staffed.
    let later = t0 + time::Duration::seconds(60);
    assert_eq!(
        f.store.staffed(&[local, coop], later).await.unwrap(),
        vec![local]
    );
    assert!(f.store.staffed(&[], t0).await.unwrap().is_empty());
}
