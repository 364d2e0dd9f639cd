//! Credential export formats (spec §9.4, §9.5).
