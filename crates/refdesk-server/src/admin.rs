//! Administering the directory: the rules both the admin REST endpoints and `refdesk admin`
//! follow, on the store alone (no node state), so the command line and the dashboard cannot
//! disagree. Who may call each is the caller's to check (`http::institutions::admin_of`, the
//! co-op admin check); what is checked here is what makes a change sound: no dangling
//! reference, no co-op access to a co-op the institution is not in, no role beyond the
//! caller's reach.

use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use refdesk_core::{
    Coop, CoopId, DepartmentId, DisplayName, Email, Grant, Institution, InstitutionId, Role,
    StepTarget, User, UserId,
};
use refdesk_store::{Conflict, DynStore, StoreError};

/// The longest page an admin list returns.
pub const MAX_PAGE: u32 = 200;

fn in_use(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "in_use", message)
}

/// Checks a slug: 1–64 of `a-z`, `0-9` and `-`.
pub fn check_slug(slug: &str) -> ApiResult<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_body(
            "the slug may contain only a-z, 0-9 and - (1 to 64 characters)",
        ))
    }
}

pub async fn create_institution(
    store: &DynStore,
    name: DisplayName,
    slug: String,
) -> ApiResult<Institution> {
    check_slug(&slug)?;
    let i = Institution {
        id: crate::service::new_id(),
        name,
        slug,
    };
    match store.create_institution(&i).await {
        Err(StoreError::Conflict(Conflict::AlreadyExists)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "an institution with this slug exists already",
        )),
        other => other.map(|()| i).map_err(Into::into),
    }
}

pub async fn create_coop(store: &DynStore, name: DisplayName) -> ApiResult<Coop> {
    if store.all_coops().await?.iter().any(|c| c.name == name) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "a co-op of this name exists already",
        ));
    }
    let c = Coop {
        id: crate::service::new_id(),
        name,
    };
    store.create_coop(&c).await?;
    Ok(c)
}

/// A co-op by its id or its exact name (for the command line).
pub async fn find_coop(store: &DynStore, id_or_name: &str) -> ApiResult<Coop> {
    let all = store.all_coops().await?;
    all.into_iter()
        .find(|c| c.id.to_string() == id_or_name || c.name.as_str() == id_or_name)
        .ok_or_else(|| ApiError::invalid_body(format!("no co-op {id_or_name:?}")))
}

/// Adds a member (nothing when it is one already); new members are contracted around the
/// clock until the co-op's admins set their hours.
pub async fn add_member(
    store: &DynStore,
    coop: CoopId,
    institution: InstitutionId,
) -> ApiResult<()> {
    if store.coops(&[coop]).await?.is_empty() {
        return Err(ApiError::not_found());
    }
    match store.institution(institution).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ApiError::invalid_body("no such institution"));
        }
        Err(e) => return Err(e.into()),
    }
    store.add_coop_member(coop, institution).await?;
    Ok(())
}

/// Takes a member out: refused while one of its chat boxes routes chats to the co-op (change
/// the plan first) or one of its open chats is offered to it; its staff lose the right to
/// monitor the co-op. Returns the staff who lost it.
pub async fn remove_member(
    store: &DynStore,
    coop: CoopId,
    institution: InstitutionId,
) -> ApiResult<Vec<UserId>> {
    for w in store.widgets(institution).await? {
        if w.settings
            .routing
            .steps
            .iter()
            .any(|s| s.target == StepTarget::Coop(coop))
        {
            return Err(in_use(format!(
                "the chat box {} routes chats to this co-op; change its routing plan first",
                w.name
            )));
        }
    }
    let losing = staff_holding(store, institution, Grant::MonitorCoop(coop)).await?;
    match store.remove_coop_member(coop, institution).await {
        Ok(true) => Ok(losing),
        Ok(false) => Err(ApiError::not_found()),
        Err(StoreError::Conflict(Conflict::InUse)) => Err(in_use(
            "a chat of this library is offered to the co-op right now; try again once it ends",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn staff_holding(
    store: &DynStore,
    institution: InstitutionId,
    grant: Grant,
) -> ApiResult<Vec<UserId>> {
    let mut out = Vec::new();
    for u in store.holders_of(grant).await? {
        if store.user(u).await?.institution_id == institution {
            out.push(u);
        }
    }
    Ok(out)
}

/// Gives or takes `user`'s right to monitor `coop`: only for staff of a member institution.
pub async fn set_may_monitor(
    store: &DynStore,
    coop: CoopId,
    user: &User,
    may: bool,
) -> ApiResult<()> {
    let grant = Grant::MonitorCoop(coop);
    let member = store
        .coop_members(&[coop])
        .await?
        .iter()
        .any(|(_, i)| *i == user.institution_id);
    if !member {
        return Err(ApiError::invalid_body(
            "this library is not a member of that co-op",
        ));
    }
    if !may {
        store.remove_grant(user.id, grant).await?;
        // Nor are they monitoring it any more (so it does not look staffed).
        let now = time::OffsetDateTime::now_utc();
        store
            .set_monitoring(user.id, refdesk_core::MonitorScope::Coop(coop), false, now)
            .await?;
        return Ok(());
    }
    store.add_grant(user.id, grant).await?;
    Ok(())
}

/// The roles an institution's admin may give: operator and institution admin. Co-op admin and
/// system admin are given by a system admin (or `refdesk admin`).
pub fn check_role(role: Role, by_system_admin: bool) -> ApiResult<()> {
    match role {
        Role::Operator | Role::InstitutionAdmin => Ok(()),
        Role::CoopAdmin | Role::SystemAdmin if by_system_admin => Ok(()),
        _ => Err(ApiError::forbidden(
            "only a system admin gives the co-op admin and system admin roles",
        )),
    }
}

/// Checks a new password: 10 to 1,024 characters, and not easy to guess: not a common
/// password, a word with a few changes, a keyboard pattern or a date, nor built on the account's
/// own email or name (`about`), as Dropbox's zxcvbn estimates it (a score of at least 2 of 4:
/// more than about a million guesses).
pub fn check_password(password: &str, about: &[&str]) -> ApiResult<()> {
    if password.chars().count() < 10 || password.len() > 1024 {
        return Err(ApiError::invalid_body(
            "the password must have at least 10 characters",
        ));
    }
    let own: Vec<String> = about
        .iter()
        .flat_map(|a| a.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() > 2)
        .map(str::to_lowercase)
        .collect();
    // Only the account's own words (its name's, its email's), digits and punctuation.
    let mut rest = password.to_lowercase();
    for w in &own {
        rest = rest.replace(w.as_str(), "");
    }
    if rest.chars().all(|c| !c.is_alphabetic()) {
        return Err(ApiError::invalid_body(
            "the password is too easy to guess (it is made of your own name or email address): \
             use a few uncommon words together",
        ));
    }
    let inputs: Vec<&str> = own.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < 2 {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map_or_else(String::new, |w| {
                format!(" ({})", w.to_string().trim_end_matches('.'))
            });
        return Err(ApiError::invalid_body(format!(
            "the password is too easy to guess{why}: use a few uncommon words together"
        )));
    }
    Ok(())
}

/// A new password, checked against the policy ([`check_password`]), as its Argon2id hash
/// (computed off the async threads).
pub async fn new_password_hash(password: String, about: &[&str]) -> ApiResult<String> {
    check_password(&password, about)?;
    tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Creates a staff account with an Argon2id hash of `password`.
pub async fn create_staff(
    store: &DynStore,
    institution: InstitutionId,
    email: Email,
    name: DisplayName,
    role: Role,
    password: String,
) -> ApiResult<User> {
    let hash = new_password_hash(password, &[email.as_str(), name.as_str()]).await?;
    let user = User {
        id: crate::service::new_id(),
        institution_id: institution,
        email,
        name,
        role,
    };
    match store.create_user(&user, &hash).await {
        Err(StoreError::Conflict(Conflict::AlreadyExists)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "an account with this email exists already",
        )),
        other => other.map(|()| user).map_err(Into::into),
    }
}

/// Deletes a department: refused while a chat box lands its chats there or routes chats to it,
/// or a chat (open or past) names it.
pub async fn delete_department(
    store: &DynStore,
    institution: InstitutionId,
    department: DepartmentId,
) -> ApiResult<()> {
    match store.department(department).await {
        Ok(d) if d.institution_id == institution => {}
        Ok(_) | Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    }
    for w in store.widgets(institution).await? {
        let routes_here = w
            .settings
            .routing
            .steps
            .iter()
            .any(|s| s.target == StepTarget::Department(department));
        if w.department_id == department || routes_here {
            return Err(in_use(format!(
                "the chat box {} sends its chats to this department",
                w.name
            )));
        }
    }
    match store.delete_department(department).await {
        Err(StoreError::Conflict(Conflict::InUse)) => Err(in_use(
            "chats of this department are kept in its history; it cannot be deleted",
        )),
        other => other.map_err(Into::into),
    }
}

/// One page of a short list read whole (an institution's departments or chat boxes, a co-op's
/// members): the items after the one whose key is `after`, at most the page's limit, and the
/// key to continue from when there may be more.
pub fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    q: &refdesk_protocol::PageQuery,
) -> ApiResult<(Vec<T>, Option<String>)> {
    let limit = q.limit().map_err(ApiError::invalid_query)? as usize;
    let start = match q.after.as_deref().filter(|a| !a.is_empty()) {
        None => 0,
        Some(a) => match items.iter().position(|i| key(i) == a) {
            Some(p) => p + 1,
            None => {
                return Err(ApiError::invalid_query("after names nothing in this list"));
            }
        },
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let more = rest.len() > limit;
    let page: Vec<T> = rest.into_iter().take(limit).collect();
    let next = if more { page.last().map(&key) } else { None };
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::check_password;

    const ABOUT: &[&str] = &["alice@riverside.example", "Alice Archer"];

    #[test]
    fn long_uncommon_passwords_pass() {
        for p in [
            "quiet harbour lantern 42",
            "refdesk-demo",
            "long enough pass",
            "a-long-enough-password",
        ] {
            assert!(check_password(p, ABOUT).is_ok(), "{p}");
        }
    }

    #[test]
    fn short_common_and_own_passwords_fail() {
        for p in [
            "short",
            "password123",
            "qwertyuiop",
            "1234567890",
            "letmein123",
            "iloveyou2024",
            "alice-archer-riverside",
            "AliceArcher1987!",
        ] {
            assert!(check_password(p, ABOUT).is_err(), "{p}");
        }
    }
}
