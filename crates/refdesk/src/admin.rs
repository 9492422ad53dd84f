//! `refdesk admin …`: institutions, departments (with their chat box), staff accounts and
//! roles, co-ops, their members, hours and monitors, from the command line. The rules are
//! `refdesk_server::admin`'s, the same the admin REST endpoints follow.

use crate::cli::AdminCommand;
use anyhow::{Context, bail};
use refdesk_core::{Department, DisplayName, Email, Role, User, Widget};
use refdesk_server::admin as rules;
use refdesk_server::auth::{hash_password, new_token};
use refdesk_server::error::ApiError;
use refdesk_server::service::new_id;
use refdesk_store::DynStore;

fn refused(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", e.message, e.code)
}

async fn user_by_email(store: &DynStore, email: &str) -> anyhow::Result<User> {
    Ok(store
        .user_by_email(&Email::parse(email)?)
        .await
        .context("no such account")?
        .user)
}

/// "mon 09:00-17:00" as an opening.
fn opening(text: &str) -> anyhow::Result<serde_json::Value> {
    let (day, span) = text
        .split_once(' ')
        .context("an opening is like \"mon 09:00-17:00\"")?;
    let (from, to) = span
        .split_once('-')
        .context("an opening is like \"mon 09:00-17:00\"")?;
    Ok(serde_json::json!({"day": day, "from": from, "to": to}))
}

pub async fn run(store: &DynStore, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateInstitution { name, slug } => {
            let i = rules::create_institution(store, DisplayName::parse(&name)?, slug)
                .await
                .map_err(refused)?;
            println!("institution {} ({}) created: {}", i.name, i.slug, i.id);
        }
        AdminCommand::CreateDepartment {
            institution,
            name,
            allowed_origins,
        } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            for o in &allowed_origins {
                Widget::check_origin(o)?;
            }
            let d = Department {
                id: new_id(),
                institution_id: i.id,
                name: DisplayName::parse(&name)?,
            };
            store.create_department(&d).await?;
            let w = Widget {
                id: new_id(),
                institution_id: i.id,
                department_id: d.id,
                name: DisplayName::parse(&format!("{} – {}", i.name, d.name))?,
                allowed_origins,
                settings: Default::default(),
            };
            store.create_widget(&w).await?;
            println!("department {} created: {}", d.name, d.id);
            println!(
                "its chat box: <script src=\"https://YOUR-REFDESK-HOST/widget.js\" data-widget=\"{}\" async></script>",
                w.id
            );
        }
        AdminCommand::CreateOperator {
            institution,
            email,
            name,
            role,
        } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            let role = Role::parse(&role)
                .context("role must be operator, institution_admin, coop_admin or system_admin")?;
            let (password, generated) = match std::env::var("REFDESK_PASSWORD") {
                Ok(p) => match refdesk_server::admin::check_password(&p, &[&email, &name]) {
                    Ok(()) => (p, false),
                    Err(e) => bail!("REFDESK_PASSWORD: {}", e.message),
                },
                Err(_) => (new_token().0[..20].to_owned(), true),
            };
            let hash = tokio::task::spawn_blocking(move || {
                hash_password(&password).map(|h| (h, password))
            })
            .await?
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
            let u = User {
                id: new_id(),
                institution_id: i.id,
                email: Email::parse(&email)?,
                name: DisplayName::parse(&name)?,
                role,
            };
            store
                .create_user(&u, &hash.0)
                .await
                .context("creating the account (is the email taken?)")?;
            println!(
                "{} account {} created for {}",
                role.as_str(),
                u.email,
                i.name
            );
            if generated {
                println!("password (shown once): {}", hash.1);
            }
        }
        AdminCommand::DeleteDepartment { institution, name } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            let d = store
                .departments(i.id)
                .await?
                .into_iter()
                .find(|d| d.name.as_str() == name)
                .with_context(|| format!("{} has no department {name:?}", i.slug))?;
            rules::delete_department(store, i.id, d.id)
                .await
                .map_err(refused)?;
            println!("department {name} deleted");
        }
        AdminCommand::ListWidgets { institution } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            for w in store.widgets(i.id).await? {
                let plan = serde_json::to_string(&w.settings.routing)?;
                let state = if w.settings.enabled { "on" } else { "off" };
                println!("{}\t{state}\t{}\trouting {plan}", w.id, w.name);
            }
        }
        AdminCommand::SetRouting { widget, steps } => {
            let id: refdesk_core::WidgetId = widget.parse().context("not a widget id")?;
            let mut w = store.widget(id).await.context("no such chat box")?;
            let departments = store.departments(w.institution_id).await?;
            let coops = store.coops_of_institution(w.institution_id).await?;
            let mut plan = Vec::new();
            for step in &steps {
                let mut parts = step.splitn(3, ':');
                let (kind, name, secs) = (parts.next(), parts.next(), parts.next());
                let (Some(kind), Some(name), Some(secs)) = (kind, name, secs) else {
                    bail!("a step is department:NAME:SECONDS or coop:NAME:SECONDS, not {step:?}");
                };
                let target = match kind {
                    "department" => refdesk_core::StepTarget::Department(
                        departments
                            .iter()
                            .find(|d| d.name.as_str() == name)
                            .with_context(|| format!("no department {name:?}"))?
                            .id,
                    ),
                    "coop" => refdesk_core::StepTarget::Coop(
                        coops
                            .iter()
                            .find(|c| c.name.as_str() == name)
                            .with_context(|| format!("the library is in no co-op {name:?}"))?
                            .id,
                    ),
                    other => bail!("unknown step kind {other:?}"),
                };
                plan.push(refdesk_core::RouteStep {
                    target,
                    after_seconds: secs.parse().context("seconds must be a number")?,
                });
            }
            w.settings.routing.steps = plan;
            w.settings.routing.check(w.department_id)?;
            store.update_widget(&w).await?;
            println!("routing of {} set: {} step(s)", w.name, steps.len());
        }
        AdminCommand::SetWidgetEnabled { widget, enabled } => {
            let id: refdesk_core::WidgetId = widget.parse().context("not a widget id")?;
            let mut w = store.widget(id).await.context("no such chat box")?;
            w.settings.enabled = enabled;
            store.update_widget(&w).await?;
            println!("{} is {}", w.name, if enabled { "on" } else { "off" });
        }
        AdminCommand::SetTimeZone { institution, zone } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            let mut policy = store.institution_policy(i.id).await?;
            policy.time_zone = zone;
            policy.check()?;
            store.set_institution_policy(i.id, &policy).await?;
            println!("{} keeps time in {}", i.slug, policy.time_zone);
        }
        AdminCommand::ListStaff { institution } => {
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            let mut after: Option<Email> = None;
            loop {
                let page = store.users_page(i.id, after.as_ref(), 200).await?;
                for u in &page {
                    println!("{}\t{}\t{}", u.email, u.role.as_str(), u.name);
                }
                match page.last() {
                    Some(u) if page.len() == 200 => after = Some(u.email.clone()),
                    _ => break,
                }
            }
        }
        AdminCommand::SetRole { email, role } => {
            let u = user_by_email(store, &email).await?;
            let role = Role::parse(&role)
                .context("role must be operator, institution_admin, coop_admin or system_admin")?;
            store.set_user_role(u.id, role).await?;
            println!("{} is now {}", u.email, role.as_str());
        }
        AdminCommand::CreateCoop { name } => {
            let c = rules::create_coop(store, DisplayName::parse(&name)?)
                .await
                .map_err(refused)?;
            println!("co-op {} created: {}", c.name, c.id);
        }
        AdminCommand::ListCoops => {
            for c in store.all_coops().await? {
                println!("{}\t{}", c.id, c.name);
                for (_, i) in store.coop_members(&[c.id]).await? {
                    println!("\t{}", store.institution(i).await?.slug);
                }
            }
        }
        AdminCommand::AddCoopMember { coop, institution } => {
            let c = rules::find_coop(store, &coop).await.map_err(refused)?;
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            rules::add_member(store, c.id, i.id)
                .await
                .map_err(refused)?;
            println!("{} is a member of {}", i.slug, c.name);
        }
        AdminCommand::RemoveCoopMember { coop, institution } => {
            let c = rules::find_coop(store, &coop).await.map_err(refused)?;
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            rules::remove_member(store, c.id, i.id)
                .await
                .map_err(refused)?;
            println!("{} is no longer a member of {}", i.slug, c.name);
        }
        AdminCommand::SetCoopHours {
            coop,
            institution,
            openings,
            closed,
        } => {
            let c = rules::find_coop(store, &coop).await.map_err(refused)?;
            let i = store
                .institution_by_slug(&institution)
                .await
                .context("no such institution")?;
            let weekly = openings
                .iter()
                .map(|o| opening(o))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let hours: refdesk_core::CoopHours =
                serde_json::from_value(serde_json::json!({"weekly": weekly, "closed": closed}))
                    .context("bad hours")?;
            hours.check()?;
            store
                .set_coop_hours(c.id, i.id, &hours)
                .await
                .context("is the institution a member of the co-op?")?;
            println!("hours of {} with {} set", i.slug, c.name);
        }
        AdminCommand::GrantCoopMonitoring { coop, email } => {
            let c = rules::find_coop(store, &coop).await.map_err(refused)?;
            let u = user_by_email(store, &email).await?;
            rules::set_may_monitor(store, c.id, &u, true)
                .await
                .map_err(refused)?;
            println!("{} may monitor {}", u.email, c.name);
        }
        AdminCommand::RevokeCoopMonitoring { coop, email } => {
            let c = rules::find_coop(store, &coop).await.map_err(refused)?;
            let u = user_by_email(store, &email).await?;
            rules::set_may_monitor(store, c.id, &u, false)
                .await
                .map_err(refused)?;
            println!("{} may no longer monitor {}", u.email, c.name);
        }
    }
    Ok(())
}
