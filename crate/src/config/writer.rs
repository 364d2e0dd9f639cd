//! The config writer: creates or updates `[profile …]` and `[sso-session …]` exactly as `aws configure sso`
//! lays them out (spec §9.2), preserving every other byte of the file.
