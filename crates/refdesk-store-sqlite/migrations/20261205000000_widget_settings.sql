-- Each widget's pre-chat fields and texts, as the JSON of `WidgetSettings`: every field has a
-- default, so '{}' (every widget created before this column existed) reads with the defaults.
ALTER TABLE widgets ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
