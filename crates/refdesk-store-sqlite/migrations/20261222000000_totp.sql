-- The optional second factor at sign-in: a staff member's TOTP secret (base32) once turned on,
-- the one offered while they set it up, and the last time step a code was accepted for (a code
-- is accepted once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
