//! SSO OIDC operations (spec §3, §4).
