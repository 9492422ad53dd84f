//! Directory, sessions and guests.

use super::fixture::{Fixture, now, token};
use crate::{Conflict, DynStore, SessionRecord, StoreError, TotpState};
use refdesk_core::*;
use time::Duration;
use uuid::Uuid;

pub async fn directory_round_trips(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    assert_eq!(
        s.institution(f.institution.id).await.unwrap(),
        f.institution
    );
    assert_eq!(
        s.institution_by_slug(&f.institution.slug).await.unwrap(),
        f.institution
    );
    assert_eq!(s.department(f.department.id).await.unwrap(), f.department);
    assert_eq!(
        s.departments(f.institution.id).await.unwrap(),
        vec![f.department.clone()]
    );
    assert_eq!(s.widget(f.widget.id).await.unwrap(), f.widget);
    assert_eq!(
        s.widgets(f.institution.id).await.unwrap(),
        vec![f.widget.clone()]
    );
    assert_eq!(s.user(f.alice.id).await.unwrap(), f.alice);
    let rec = s.user_by_email(&f.alice.email).await.unwrap();
    assert_eq!(rec.user, f.alice);
    assert_eq!(rec.password_hash, "$argon2id$fake");
    assert!(matches!(
        s.institution(Uuid::now_v7().into()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.widget(Uuid::now_v7().into()).await,
        Err(StoreError::NotFound)
    ));
    let nobody = Email::parse("nobody@nowhere.example").unwrap();
    assert!(matches!(
        s.user_by_email(&nobody).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn duplicate_directory_entries_conflict(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let same_slug = Institution {
        id: Uuid::now_v7().into(),
        ..f.institution.clone()
    };
    assert!(matches!(
        s.create_institution(&same_slug).await,
        Err(StoreError::Conflict(Conflict::AlreadyExists))
    ));
    let same_email = User {
        id: Uuid::now_v7().into(),
        ..f.alice.clone()
    };
    assert!(matches!(
        s.create_user(&same_email, "x").await,
        Err(StoreError::Conflict(Conflict::AlreadyExists))
    ));
}

pub async fn sessions_expire_and_end(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let t = now();
    let live = SessionRecord {
        token: token("live"),
        user_id: f.alice.id,
        created_at: t,
        expires_at: t + Duration::hours(8),
    };
    let old = SessionRecord {
        token: token("old"),
        user_id: f.bob.id,
        created_at: t - Duration::hours(9),
        expires_at: t - Duration::hours(1),
    };
    s.create_session(&live).await.unwrap();
    s.create_session(&old).await.unwrap();
    assert_eq!(
        s.session_user(&live.token, t, t - Duration::days(1))
            .await
            .unwrap(),
        f.alice
    );
    assert!(matches!(
        s.session_user(&old.token, t, t - Duration::days(1)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.session_user(&token("unknown"), t, t - Duration::days(1))
            .await,
        Err(StoreError::NotFound)
    ));
    // Idle: last used when it was made, so refused once the idle limit passes that; a use
    // moves it on, and an older use does not move it back.
    let later = t + Duration::hours(1);
    assert!(matches!(
        s.session_user(&live.token, later, t + Duration::minutes(30))
            .await,
        Err(StoreError::NotFound)
    ));
    s.touch_sessions(&[live.token, token("unknown")], t + Duration::minutes(40))
        .await
        .unwrap();
    s.touch_sessions(&[live.token], t + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(
        s.session_user(&live.token, later, t + Duration::minutes(30))
            .await
            .unwrap(),
        f.alice
    );
    assert!(matches!(
        s.session_user(&live.token, later, t + Duration::minutes(45))
            .await,
        Err(StoreError::NotFound)
    ));
    s.delete_session(&live.token).await.unwrap();
    assert!(matches!(
        s.session_user(&live.token, t, t - Duration::days(1)).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_password_change_ends_every_session_of_its_user(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let t = now();
    let (desk, laptop, bobs) = (token("desk"), token("laptop"), token("bobs"));
    for (token, user) in [(desk, f.alice.id), (laptop, f.alice.id), (bobs, f.bob.id)] {
        let session = SessionRecord {
            token,
            user_id: user,
            created_at: t,
            expires_at: t + Duration::hours(8),
        };
        s.create_session(&session).await.unwrap();
    }
    let mut ended = s
        .change_password(f.alice.id, "$argon2id$new")
        .await
        .unwrap();
    ended.sort_by_key(|h| h.0);
    let mut want = vec![desk, laptop];
    want.sort_by_key(|h| h.0);
    assert_eq!(ended, want);
    for gone in [desk, laptop] {
        assert!(matches!(
            s.session_user(&gone, t, t - Duration::days(1)).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(
        s.session_user(&bobs, t, t - Duration::days(1))
            .await
            .unwrap(),
        f.bob
    );
    let record = s.user_by_email(&f.alice.email).await.unwrap();
    assert_eq!(record.password_hash, "$argon2id$new");
    assert!(
        s.change_password(f.alice.id, "$argon2id$again")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.change_password(UserId::from(Uuid::now_v7()), "x").await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_second_factor_is_kept_and_each_code_step_used_once(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    assert_eq!(s.totp_of(f.alice.id).await.unwrap(), TotpState::default());
    let pending = TotpState {
        secret: None,
        pending: Some("JBSWY3DPEHPK3PXP".into()),
    };
    s.set_totp(f.alice.id, &pending).await.unwrap();
    assert_eq!(s.totp_of(f.alice.id).await.unwrap(), pending);
    let on = TotpState {
        secret: Some("JBSWY3DPEHPK3PXP".into()),
        pending: None,
    };
    s.set_totp(f.alice.id, &on).await.unwrap();
    assert_eq!(s.totp_of(f.alice.id).await.unwrap(), on);
    assert!(s.use_totp_step(f.alice.id, 100).await.unwrap());
    assert!(!s.use_totp_step(f.alice.id, 100).await.unwrap(), "once");
    assert!(
        !s.use_totp_step(f.alice.id, 99).await.unwrap(),
        "never an older one"
    );
    assert!(s.use_totp_step(f.alice.id, 101).await.unwrap());
    assert!(s.use_totp_step(f.bob.id, 100).await.unwrap(), "per person");
    s.set_totp(f.alice.id, &TotpState::default()).await.unwrap();
    assert!(
        s.use_totp_step(f.alice.id, 50).await.unwrap(),
        "forgotten with the secret"
    );
    assert!(matches!(
        s.totp_of(UserId::from(Uuid::now_v7())).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_totp(UserId::from(Uuid::now_v7()), &on).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn guests_are_found_by_token_hash(store: DynStore) {
    let f = Fixture::new(store).await;
    let guest = Guest {
        id: Uuid::now_v7().into(),
        widget_id: f.widget.id,
        created_at: now(),
    };
    let tok = token("g");
    f.store.create_guest(&guest, &tok).await.unwrap();
    assert_eq!(f.store.guest_by_token(&tok).await.unwrap(), guest);
    assert!(matches!(
        f.store.guest_by_token(&token("other")).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn widgets_are_rewritten_in_place(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let second = Department {
        id: Uuid::now_v7().into(),
        institution_id: f.institution.id,
        name: DisplayName::parse("Law").unwrap(),
    };
    s.create_department(&second).await.unwrap();
    let mut w = f.widget.clone();
    w.department_id = second.id;
    w.name = DisplayName::parse("Law library").unwrap();
    w.allowed_origins = vec![];
    w.settings.fields.email = FieldMode::Hidden;
    w.settings.texts.greeting = Some("Ask us about law.".into());
    s.update_widget(&w).await.unwrap();
    assert_eq!(s.widget(w.id).await.unwrap(), w);
    // Never across institutions, and never to a department that does not exist.
    let other = Institution {
        id: Uuid::now_v7().into(),
        name: DisplayName::parse("Elsewhere").unwrap(),
        slug: "elsewhere".into(),
    };
    s.create_institution(&other).await.unwrap();
    let moved = Widget {
        institution_id: other.id,
        ..w.clone()
    };
    assert!(matches!(
        s.update_widget(&moved).await,
        Err(StoreError::NotFound)
    ));
    let dangling = Widget {
        department_id: Uuid::now_v7().into(),
        ..w.clone()
    };
    assert!(s.update_widget(&dangling).await.is_err());
    assert_eq!(s.widget(w.id).await.unwrap(), w);
}
