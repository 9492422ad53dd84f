//! The demo world of `refdesk demo`: three libraries with departments, chat boxes and operator
//! accounts, answering each other's patrons as one co-op (every operator may monitor it).
//! Riverside's chat box offers its chats to the co-op when nobody at Riverside is monitoring,
//! or when a chat has waited 30 s unclaimed; the co-op's hours are around the clock (a 24/7
//! co-op, so trying it by hand works at any hour).
//! Seeding is idempotent: running the demo again on the same data folder finds what is there
//! and adds only what is missing.

use crate::auth::hash_password;
use crate::service::{new_id, now};
use refdesk_core::routing::{Day, Opening};
use refdesk_core::{
    CannedMessage, CannedScope, Coop, CoopHours, Department, DisplayName, Email, Grant,
    Institution, Role, RouteStep, StepTarget, User, Widget,
};
use refdesk_store::{Conflict, DynStore, StoreError};

/// The password of every demo account (printed at start; this is a local playground).
pub const DEMO_PASSWORD: &str = "refdesk-demo";

pub const SLUGS: [&str; 3] = ["riverside", "hillcrest", "lakeside"];

/// The co-op the three demo libraries form.
pub const COOP_NAME: &str = "Three Rivers Library Co-op";

/// The co-op's admin: an account of Lakeside's, with the co-op admin grant.
const COOP_ADMIN: (&str, &str) = ("cora", "Cora Coordinator");

/// The installation's admin: an account of Lakeside's, with the system admin role.
const SYSTEM_ADMIN: (&str, &str) = ("sasha", "Sasha Sysop");

struct LibrarySpec {
    slug: &'static str,
    name: &'static str,
    departments: &'static [&'static str],
    operators: &'static [(&'static str, &'static str)],
    /// The institution's admin (login, name), if the demo has one.
    admin: Option<(&'static str, &'static str)>,
    time_zone: &'static str,
    /// Whether its chat box offers chats to the co-op (after [`COOP_AFTER_SECONDS`]).
    rolls_over: bool,
}

/// How long a Riverside chat waits for Riverside's own staff before the co-op is offered it.
pub const COOP_AFTER_SECONDS: u32 = 30;

const LIBRARIES: [LibrarySpec; 3] = [
    LibrarySpec {
        slug: "riverside",
        name: "Riverside Public Library",
        departments: &["Reference", "Local History"],
        operators: &[("alice", "Alice Archer"), ("bob", "Bob Binder")],
        admin: Some(("rita", "Rita Rivers")),
        time_zone: "America/Toronto",
        rolls_over: true,
    },
    LibrarySpec {
        slug: "hillcrest",
        name: "Hillcrest University Library",
        departments: &["Research Help"],
        operators: &[("carol", "Carol Catalog")],
        admin: None,
        time_zone: "America/Winnipeg",
        rolls_over: false,
    },
    LibrarySpec {
        slug: "lakeside",
        name: "Lakeside County Library",
        departments: &["Ask a Librarian"],
        operators: &[("dave", "Dave Dewey")],
        admin: None,
        time_zone: "America/Vancouver",
        rolls_over: false,
    },
];

/// One demo account, for printing.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub library: String,
    /// What the account is for, beyond answering chats ("institution admin", "co-op admin").
    pub role: Option<&'static str>,
}

fn name(s: &str) -> DisplayName {
    DisplayName::parse(s).expect("demo names are valid")
}

fn ignore_existing(r: Result<(), StoreError>) -> Result<(), StoreError> {
    match r {
        Err(StoreError::Conflict(Conflict::AlreadyExists)) => Ok(()),
        other => other,
    }
}

/// Creates whatever of the demo world is missing and lists the operator accounts.
pub async fn seed(store: &DynStore) -> Result<Vec<DemoAccount>, StoreError> {
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(StoreError::other)?
        .map_err(|e| StoreError::corrupt(e.to_string()))?;
    let mut accounts = Vec::new();
    let mut members = Vec::new();
    let mut rolling = Vec::new();
    let mut operators = Vec::new();
    let mut coop_admins = Vec::new();
    for spec in &LIBRARIES {
        let institution = match store.institution_by_slug(spec.slug).await {
            Ok(i) => i,
            Err(StoreError::NotFound) => {
                let i = Institution {
                    id: new_id(),
                    name: name(spec.name),
                    slug: spec.slug.to_owned(),
                };
                store.create_institution(&i).await?;
                i
            }
            Err(e) => return Err(e),
        };
        members.push(institution.id);
        let mut policy = store.institution_policy(institution.id).await?;
        if policy.time_zone == "UTC" {
            policy.time_zone = spec.time_zone.to_owned();
            store
                .set_institution_policy(institution.id, &policy)
                .await?;
        }
        let mut departments = store.departments(institution.id).await?;
        if departments.is_empty() {
            for d in spec.departments {
                let dep = Department {
                    id: new_id(),
                    institution_id: institution.id,
                    name: name(d),
                };
                store.create_department(&dep).await?;
                departments.push(dep);
            }
        }
        crate::demo_faqs::seed_faqs(
            store,
            institution.id,
            spec.slug,
            spec.name,
            crate::service::now(),
        )
        .await?;
        crate::demo_tickets::seed_tickets(store, institution.id, departments[0].id).await?;
        if store.widgets(institution.id).await?.is_empty() {
            let w = Widget {
                id: new_id(),
                institution_id: institution.id,
                department_id: departments[0].id,
                name: name(&format!("{} website", spec.name)),
                allowed_origins: vec![],
                settings: Default::default(),
            };
            store.create_widget(&w).await?;
            if spec.rolls_over {
                rolling.push(w);
            }
        }
        let people = spec
            .operators
            .iter()
            .map(|p| (p, Role::Operator))
            .chain(spec.admin.iter().map(|p| (p, Role::InstitutionAdmin)))
            .chain((spec.slug == "lakeside").then_some((&COOP_ADMIN, Role::CoopAdmin)))
            .chain((spec.slug == "lakeside").then_some((&SYSTEM_ADMIN, Role::SystemAdmin)));
        for ((login, full), role) in people {
            let email = format!("{login}@{}.example", spec.slug);
            let user = User {
                id: new_id(),
                institution_id: institution.id,
                email: Email::parse(&email).expect("demo emails are valid"),
                name: name(full),
                role,
            };
            ignore_existing(store.create_user(&user, &hash).await)?;
            let id = store.user_by_email(&user.email).await?.user.id;
            match role {
                Role::CoopAdmin => coop_admins.push(id),
                _ => operators.push(id),
            }
            accounts.push(DemoAccount {
                email,
                name: (*full).to_owned(),
                library: spec.name.to_owned(),
                role: match role {
                    Role::InstitutionAdmin => Some("institution admin"),
                    Role::CoopAdmin => Some("co-op admin"),
                    Role::SystemAdmin => Some("system admin"),
                    _ => None,
                },
            });
        }
    }
    let existing = store.coops_of_institution(members[0]).await?;
    let coop = match existing.into_iter().find(|c| c.name.as_str() == COOP_NAME) {
        Some(c) => c,
        None => {
            let c = Coop {
                id: new_id(),
                name: name(COOP_NAME),
            };
            store.create_coop(&c).await?;
            c
        }
    };
    for &i in &members {
        store.add_coop_member(coop.id, i).await?;
        if store.coop_hours(coop.id, i).await? == CoopHours::default() {
            store
                .set_coop_hours(coop.id, i, &around_the_clock())
                .await?;
        }
    }
    for mut w in rolling {
        w.settings.routing.steps = vec![RouteStep {
            target: StepTarget::Coop(coop.id),
            after_seconds: COOP_AFTER_SECONDS,
        }];
        store.update_widget(&w).await?;
    }
    for user in operators {
        store.add_grant(user, Grant::MonitorCoop(coop.id)).await?;
    }
    for user in coop_admins {
        store.add_grant(user, Grant::CoopAdmin(coop.id)).await?;
    }
    let mut scopes: Vec<CannedScope> = members
        .iter()
        .map(|i| CannedScope::Institution(*i))
        .collect();
    scopes.push(CannedScope::Coop(coop.id));
    for scope in scopes {
        seed_canned(store, scope).await?;
    }
    Ok(accounts)
}

/// Ready-made replies every demo library shares, and the co-op's, unless it has some already.
async fn seed_canned(store: &DynStore, scope: CannedScope) -> Result<(), StoreError> {
    if !store.canned_of(&[scope]).await?.is_empty() {
        return Ok(());
    }
    let replies: &[(&str, &str)] = match scope {
        CannedScope::Coop(_) => &[(
            "Co-op welcome",
            "Hi {patron}, I'm {librarian}, a librarian with the Three Rivers Library Co-op. I'm \
             answering for your library right now; how can I help?",
        )],
        _ => &[
            (
                "Greeting",
                "Hi {patron}, I'm {librarian}. How can I help you today?",
            ),
            (
                "One moment",
                "Thanks, {patron}. Give me a moment while I look into that for you.",
            ),
            (
                "Renewals",
                "You can renew most items online: sign in to My Account, choose Checkouts, and \
                 select Renew. Items with holds waiting cannot be renewed.",
            ),
            (
                "Closing",
                "Is there anything else I can help you with today, {patron}? If not, thanks for \
                 chatting with us!",
            ),
        ],
    };
    for (title, body) in replies {
        let c = CannedMessage::new(new_id(), scope, title, body, now())
            .map_err(|e| StoreError::corrupt(e.to_string()))?;
        store.put_canned(&c).await?;
    }
    Ok(())
}

/// Every day, all day: the demo co-op's contracted hours.
fn around_the_clock() -> CoopHours {
    CoopHours {
        weekly: [
            Day::Mon,
            Day::Tue,
            Day::Wed,
            Day::Thu,
            Day::Fri,
            Day::Sat,
            Day::Sun,
        ]
        .into_iter()
        .map(|day| Opening {
            day,
            from: "00:00".into(),
            to: "24:00".into(),
        })
        .collect(),
        closed: vec![],
    }
}
