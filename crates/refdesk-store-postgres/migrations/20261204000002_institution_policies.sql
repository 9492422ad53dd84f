-- Each institution's policy (privacy and staffing), as the JSON of `InstitutionPolicy`: every
-- field has a default, so a missing row, or a row written before a field existed, reads with
-- the defaults.
CREATE TABLE institution_policies (
    institution_id UUID PRIMARY KEY REFERENCES institutions (id) ON DELETE CASCADE,
    policy         TEXT NOT NULL
);
