//! `refdesk admin …`: creating institutions, departments (with their chat box) and staff
//! accounts from the command line.

use crate::cli::AdminCommand;
use anyhow::{Context, bail};
use refdesk_core::{Department, DisplayName, Email, Institution, Role, User, Widget};
use refdesk_server::auth::{hash_password, new_token};
use refdesk_server::service::new_id;
use refdesk_store::DynStore;

pub async fn run(store: &DynStore, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateInstitution { name, slug } => {
            if slug.is_empty()
                || !slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                bail!("the slug may contain only a-z, 0-9 and -");
            }
            let i = Institution {
                id: new_id(),
                name: DisplayName::parse(&name)?,
                slug,
            };
            store
                .create_institution(&i)
                .await
                .context("creating the institution")?;
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
                Ok(p) if p.len() >= 10 => (p, false),
                Ok(_) => bail!("REFDESK_PASSWORD must have at least 10 characters"),
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
    }
    Ok(())
}
