//! SSO portal operations (spec §5).
