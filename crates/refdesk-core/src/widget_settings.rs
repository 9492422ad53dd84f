//! What an admin configures of a chat box beyond its name, department and origins: which
//! pre-chat fields it asks for and the texts it shows. Every field has a default, so a widget
//! without stored settings, or with settings stored before a field existed, reads with them.

use serde::{Deserialize, Serialize};

/// Whether the pre-chat form shows a field, and whether the patron must fill it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldMode {
    Hidden,
    Optional,
    Required,
}

impl FieldMode {
    /// Checks a submitted value (`present`: the patron filled the field in) against the mode.
    pub fn check(self, field: &'static str, present: bool) -> Result<(), WidgetSettingsError> {
        match (self, present) {
            (FieldMode::Hidden, true) => Err(WidgetSettingsError::NotAsked { field }),
            (FieldMode::Required, false) => Err(WidgetSettingsError::Missing { field }),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrechatFields {
    pub name: FieldMode,
    pub email: FieldMode,
    pub question: FieldMode,
}

impl Default for PrechatFields {
    fn default() -> Self {
        PrechatFields {
            name: FieldMode::Optional,
            email: FieldMode::Optional,
            question: FieldMode::Required,
        }
    }
}

/// The chat box's texts; `None` shows the built-in text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WidgetTexts {
    /// The heading (default: the institution's name).
    pub title: Option<String>,
    /// The line above the pre-chat form.
    pub greeting: Option<String>,
    /// What the chat box says when nobody is monitoring.
    pub offline: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WidgetSettings {
    pub fields: PrechatFields,
    pub texts: WidgetTexts,
    /// Where its chats are offered after its department.
    pub routing: crate::routing::RoutingPlan,
    /// A disabled chat box is not offered to patrons (its past chats keep their widget: a
    /// chat box is disabled, never deleted).
    pub enabled: bool,
    /// Whether the patron is asked to rate the chat (and comment) when it ends.
    pub ask_rating: bool,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        WidgetSettings {
            fields: PrechatFields::default(),
            texts: WidgetTexts::default(),
            routing: crate::routing::RoutingPlan::default(),
            enabled: true,
            ask_rating: true,
        }
    }
}

/// Why settings, or a pre-chat form checked against them, were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WidgetSettingsError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is not asked for by this chat box")]
    NotAsked { field: &'static str },
    #[error("the {field} text must be 1 to {max} characters without control characters")]
    BadText { field: &'static str, max: usize },
}

const TITLE_MAX: usize = 120;
const TEXT_MAX: usize = 1000;

fn check_text(
    field: &'static str,
    text: &Option<String>,
    max: usize,
) -> Result<(), WidgetSettingsError> {
    let Some(t) = text else { return Ok(()) };
    let bad = t.trim().is_empty()
        || t.chars().count() > max
        || t.chars().any(|c| c.is_control() && c != '\n');
    if bad {
        Err(WidgetSettingsError::BadText { field, max })
    } else {
        Ok(())
    }
}

impl WidgetSettings {
    /// Checks the texts' bounds; the settings are stored only when all hold.
    pub fn check(&self) -> Result<(), WidgetSettingsError> {
        check_text("title", &self.texts.title, TITLE_MAX)?;
        check_text("greeting", &self.texts.greeting, TEXT_MAX)?;
        check_text("offline", &self.texts.offline, TEXT_MAX)
    }

    /// Checks a pre-chat form: which fields the patron filled in.
    pub fn check_form(
        &self,
        name: bool,
        email: bool,
        question: bool,
    ) -> Result<(), WidgetSettingsError> {
        self.fields.name.check("name", name)?;
        self.fields.email.check("email", email)?;
        self.fields.question.check("question", question)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_ask_for_a_question_and_older_settings_read_with_them() {
        let s = WidgetSettings::default();
        assert!(s.check().is_ok());
        assert!(s.check_form(false, false, true).is_ok());
        assert_eq!(
            s.check_form(true, true, false),
            Err(WidgetSettingsError::Missing { field: "question" })
        );
        let old: WidgetSettings =
            serde_json::from_str(r#"{"fields": {"email": "required"}}"#).unwrap();
        assert_eq!(old.fields.email, FieldMode::Required);
        assert_eq!(old.fields.question, FieldMode::Required);
        assert!(serde_json::from_str::<WidgetSettings>(r#"{"colour": 1}"#).is_err());
    }

    #[test]
    fn hidden_fields_refuse_values_and_texts_are_bounded() {
        let mut s = WidgetSettings::default();
        s.fields.name = FieldMode::Hidden;
        s.fields.question = FieldMode::Optional;
        assert!(s.check_form(false, false, false).is_ok());
        assert_eq!(
            s.check_form(true, false, true),
            Err(WidgetSettingsError::NotAsked { field: "name" })
        );
        s.texts.title = Some(" ".into());
        assert!(s.check().is_err());
        s.texts.title = Some("x".repeat(121));
        assert!(s.check().is_err());
        s.texts.title = Some("Ask Riverside".into());
        s.texts.offline = Some("Back at 9.\u{7}".into());
        assert!(s.check().is_err());
        s.texts.offline = Some("We are closed.\nLeave a question.".into());
        assert!(s.check().is_ok());
    }
}
