//! Token and client-registration cache files (spec §1, §2).
