//! Settings in layers: defaults, then the TOML file, then `REFDESK_*` environment variables,
//! then command-line flags.

use crate::cli::NodeArgs;
use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use refdesk_server::Settings;

pub fn load(args: &NodeArgs, defaults: Settings) -> anyhow::Result<Settings> {
    let mut figment = Figment::from(Serialized::defaults(defaults));
    if let Some(path) = &args.config {
        anyhow::ensure!(
            path.exists(),
            "config file {} does not exist",
            path.display()
        );
        figment = figment.merge(Toml::file(path));
    }
    figment = figment.merge(Env::prefixed("REFDESK_").ignore(&[
        "CONFIG",
        "PASSWORD",
        "BIN",
        "TEST_DATABASE_URL",
        "TEST_NATS_URL",
        "SKIP_WEB_BUILD",
    ]));
    let mut settings: Settings = figment.extract().context("invalid configuration")?;
    if let Some(l) = args.listen {
        settings.listen = l;
    }
    if let Some(d) = &args.data_dir {
        settings.data_dir = d.clone();
    }
    if let Some(u) = &args.database_url {
        settings.database_url = u.clone();
    }
    Ok(settings)
}
