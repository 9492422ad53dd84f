//! A small world for the conformance cases: one institution with a department, a widget, two
//! operators and a guest.

use crate::{DynStore, NewChat, TokenHash};
use refdesk_core::*;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug)]
pub struct Fixture {
    pub store: DynStore,
    pub institution: Institution,
    pub department: Department,
    pub widget: Widget,
    pub alice: User,
    pub bob: User,
}

pub fn now() -> OffsetDateTime {
    // Stores keep microseconds; truncating here makes round-trips compare equal.
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

/// The decision of `transition` for `chat` as it is now, with no timers.
pub fn decision(chat: &Chat, transition: &Transition) -> Decision {
    Decision {
        chat_id: chat.id,
        from_version: chat.version,
        transition: *transition,
        at: now(),
        timers: vec![],
        placement: None,
        companions: None,
        ends_transfer: transition.from.operator().is_some()
            && transition.from.operator() != transition.to.operator(),
    }
}

pub fn name(s: &str) -> DisplayName {
    DisplayName::parse(s).unwrap()
}

pub fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

pub fn token(seed: &str) -> TokenHash {
    let mut t = [0u8; 32];
    for (i, b) in seed.bytes().chain(Uuid::now_v7().into_bytes()).enumerate() {
        t[i % 32] ^= b.wrapping_add(i as u8);
    }
    TokenHash(t)
}

impl Fixture {
    pub async fn new(store: DynStore) -> Fixture {
        let institution = Institution {
            id: Uuid::now_v7().into(),
            name: name("Riverside Public Library"),
            slug: format!("riverside-{}", Uuid::now_v7().simple()),
        };
        store.create_institution(&institution).await.unwrap();
        let department = Department {
            id: Uuid::now_v7().into(),
            institution_id: institution.id,
            name: name("Reference"),
        };
        store.create_department(&department).await.unwrap();
        let widget = Widget {
            id: Uuid::now_v7().into(),
            institution_id: institution.id,
            department_id: department.id,
            name: name("Main site"),
            allowed_origins: vec!["https://riverside.example".into()],
            settings: Default::default(),
        };
        store.create_widget(&widget).await.unwrap();
        let alice = Self::make_user(&store, &institution, "alice").await;
        let bob = Self::make_user(&store, &institution, "bob").await;
        Fixture {
            store,
            institution,
            department,
            widget,
            alice,
            bob,
        }
    }

    async fn make_user(store: &DynStore, institution: &Institution, who: &str) -> User {
        let user = User {
            id: Uuid::now_v7().into(),
            institution_id: institution.id,
            email: Email::parse(&format!(
                "{who}.{}@riverside.example",
                Uuid::now_v7().simple()
            ))
            .unwrap(),
            name: name(who),
            role: Role::Operator,
        };
        store.create_user(&user, "$argon2id$fake").await.unwrap();
        user
    }

    pub async fn guest(&self) -> Guest {
        let guest = Guest {
            id: Uuid::now_v7().into(),
            widget_id: self.widget.id,
            created_at: now(),
        };
        self.store
            .create_guest(&guest, &token("guest"))
            .await
            .unwrap();
        guest
    }

    pub fn new_chat(&self, guest: &Guest) -> NewChat {
        NewChat {
            id: Uuid::now_v7().into(),
            institution_id: self.institution.id,
            department_id: self.department.id,
            widget_id: self.widget.id,
            guest_id: guest.id,
            patron_name: Some(name("Pat")),
            patron_email: None,
            question: Some(body("Do you have the 1911 city directory?")),
            referrer: Some("https://riverside.example/local-history".into()),
            user_agent: Some("Mozilla/5.0".into()),
            patron_ip: Some("203.0.113.0".into()),
            created_at: now(),
            new_guest: None,
            moves: vec![],
            outbound: None,
        }
    }

    /// A waiting chat of a fresh guest, with its question stored as seq 1.
    pub async fn chat(&self) -> (Chat, Guest) {
        let guest = self.guest().await;
        let new = self.new_chat(&guest);
        let q = self.patron_message(
            &new.id,
            &guest,
            None,
            "Do you have the 1911 city directory?",
        );
        let chat = self.store.start_chat(&new, Some(q)).await.unwrap();
        (chat, guest)
    }

    pub fn patron_message(
        &self,
        chat: &ChatId,
        guest: &Guest,
        client: Option<&str>,
        text: &str,
    ) -> NewMessage {
        NewMessage {
            id: Uuid::now_v7().into(),
            stream: (*chat).into(),
            kind: MessageKind::Patron,
            sender: Sender::Patron(guest.id),
            body: body(text),
            client_msg_id: client.map(|c| ClientMsgId::parse(c).unwrap()),
            created_at: now(),
        }
    }

    pub fn staff_message(
        &self,
        chat: &ChatId,
        user: &User,
        kind: MessageKind,
        client: Option<&str>,
        text: &str,
    ) -> NewMessage {
        NewMessage {
            id: Uuid::now_v7().into(),
            stream: (*chat).into(),
            kind,
            sender: Sender::Staff(user.id),
            body: body(text),
            client_msg_id: client.map(|c| ClientMsgId::parse(c).unwrap()),
            created_at: now(),
        }
    }

    pub fn system_note(&self, chat: &ChatId, text: &str) -> NewMessage {
        NewMessage {
            id: Uuid::now_v7().into(),
            stream: (*chat).into(),
            kind: MessageKind::System,
            sender: Sender::System,
            body: body(text),
            client_msg_id: None,
            created_at: now(),
        }
    }
}
