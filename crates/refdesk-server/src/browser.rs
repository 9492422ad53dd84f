//! A readable name for the browser a patron chats from ("Firefox 133 on Windows 10"), for the
//! preview: staff need to know what the patron sees, not the raw user-agent string.

/// `None` when the user agent says nothing recognisable.
pub fn browser_name(user_agent: &str) -> Option<String> {
    let ua = woothee::parser::Parser::new().parse(user_agent)?;
    if ua.name == woothee::woothee::VALUE_UNKNOWN {
        return None;
    }
    let major = ua.version.split('.').next().unwrap_or_default();
    let mut name = ua.name.to_owned();
    if !major.is_empty() && major != woothee::woothee::VALUE_UNKNOWN {
        name = format!("{name} {major}");
    }
    if ua.os != woothee::woothee::VALUE_UNKNOWN {
        name = format!("{name} on {}", ua.os);
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::browser_name;

    #[test]
    fn common_browsers_read_well() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(
            browser_name(firefox).as_deref(),
            Some("Firefox 133 on Windows 10")
        );
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(browser_name(chrome).as_deref(), Some("Chrome 131 on Linux"));
        assert_eq!(browser_name("curl-ish nonsense"), None);
    }
}
