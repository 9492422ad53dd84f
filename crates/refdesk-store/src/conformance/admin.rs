//! Administering the directory: pages, roles, who holds a grant, leaving a co-op and deleting a
//! department, refused while something still refers to it.

use super::fixture::{Fixture, decision, name, now};
use crate::{Conflict, DynStore, StoreError};
use refdesk_core::*;
use uuid::Uuid;

pub async fn admin_lists_page_and_roles_change(store: DynStore) {
    let f = Fixture::new(store).await;
    // Staff by email, a page at a time.
    let first = f.store.users_page(f.institution.id, None, 1).await.unwrap();
    let rest = f
        .store
        .users_page(f.institution.id, Some(&first[0].email), 10)
        .await
        .unwrap();
    let mut emails: Vec<String> = first
        .iter()
        .chain(&rest)
        .map(|u| u.email.as_str().to_owned())
        .collect();
    assert_eq!(emails.len(), 2);
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "by email");
    emails.dedup();
    assert_eq!(emails.len(), 2, "no one twice");
    // Institutions by slug, after a slug.
    let page = f.store.institutions_page(None, 1000).await.unwrap();
    assert!(page.iter().any(|i| i.id == f.institution.id));
    let after = f
        .store
        .institutions_page(Some(&f.institution.slug), 1000)
        .await
        .unwrap();
    assert!(after.iter().all(|i| i.slug > f.institution.slug));
    // Roles.
    f.store
        .set_user_role(f.bob.id, Role::InstitutionAdmin)
        .await
        .unwrap();
    assert_eq!(
        f.store.user(f.bob.id).await.unwrap().role,
        Role::InstitutionAdmin
    );
    assert!(matches!(
        f.store
            .set_user_role(Uuid::now_v7().into(), Role::Operator)
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn leaving_a_coop_is_refused_while_a_chat_is_offered_to_it(store: DynStore) {
    let f = Fixture::new(store).await;
    let coop = Coop {
        id: Uuid::now_v7().into(),
        name: name("Valley Libraries"),
    };
    f.store.create_coop(&coop).await.unwrap();
    assert!(f.store.all_coops().await.unwrap().contains(&coop));
    f.store
        .add_coop_member(coop.id, f.institution.id)
        .await
        .unwrap();
    let grant = Grant::MonitorCoop(coop.id);
    f.store.add_grant(f.alice.id, grant).await.unwrap();
    assert_eq!(f.store.holders_of(grant).await.unwrap(), vec![f.alice.id]);
    f.store
        .set_monitoring(f.alice.id, MonitorScope::Coop(coop.id), true, now())
        .await
        .unwrap();
    let (chat, _) = f.chat().await;
    let route = chat
        .decide(
            now(),
            ChatCommand::Route {
                step: 1,
                target: StepTarget::Coop(coop.id),
                reason: RouteReason::Unstaffed,
                version: chat.version,
            },
        )
        .unwrap();
    let (routed, _) = f.store.apply_decision(&route, None).await.unwrap();
    assert!(matches!(
        f.store.remove_coop_member(coop.id, f.institution.id).await,
        Err(StoreError::Conflict(Conflict::InUse))
    ));
    assert_eq!(f.store.coop_members(&[coop.id]).await.unwrap().len(), 1);
    // Ended, it no longer holds the membership.
    let close = routed
        .state
        .decide(ChatCommand::Close { by: Sender::System })
        .unwrap();
    f.store
        .apply_decision(&decision(&routed, &close), None)
        .await
        .unwrap();
    assert!(
        f.store
            .remove_coop_member(coop.id, f.institution.id)
            .await
            .unwrap()
    );
    assert!(f.store.coop_members(&[coop.id]).await.unwrap().is_empty());
    assert!(
        f.store.holders_of(grant).await.unwrap().is_empty(),
        "grants go with it"
    );
    assert!(
        f.store
            .monitors_of(&[MonitorScope::Coop(coop.id)])
            .await
            .unwrap()
            .is_empty(),
        "and monitoring"
    );
    assert!(
        !f.store
            .remove_coop_member(coop.id, f.institution.id)
            .await
            .unwrap()
    );
}

pub async fn a_department_in_use_is_not_deleted(store: DynStore) {
    let f = Fixture::new(store).await;
    assert!(matches!(
        f.store.delete_department(f.department.id).await,
        Err(StoreError::Conflict(Conflict::InUse))
    ));
    let spare = Department {
        id: Uuid::now_v7().into(),
        institution_id: f.institution.id,
        name: name("Archives"),
    };
    f.store.create_department(&spare).await.unwrap();
    let scope = MonitorScope::Department(spare.id);
    f.store
        .set_monitoring(f.alice.id, scope, true, now())
        .await
        .unwrap();
    f.store
        .add_grant(f.bob.id, Grant::MonitorDepartment(spare.id))
        .await
        .unwrap();
    f.store.delete_department(spare.id).await.unwrap();
    assert!(matches!(
        f.store.department(spare.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(f.store.monitors_of(&[scope]).await.unwrap().is_empty());
    assert!(f.store.grants_of(f.bob.id).await.unwrap().is_empty());
    assert!(matches!(
        f.store.delete_department(spare.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        f.store.departments(f.institution.id).await.unwrap(),
        vec![f.department.clone()]
    );
}
