//! `sso-bridge cache-key <session-name-or-start-url>`: the token cache key the AWS CLI and SDKs use,
//! i.e. the file name stem in `~/.aws/sso/cache/` (spec §1.1).

use std::io::Write;

/// Prints the 40-hex SHA-1 key of `identifier` (an sso-session name, or a legacy profile's
/// `sso_start_url` exactly as configured) and a newline.
pub fn run(identifier: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", sso_bridge::cache::token_cache_key(identifier))
}

#[cfg(test)]
mod tests {
    #[test]
    fn prints_the_key_and_a_newline() {
        let mut out = Vec::new();
        super::run("https://d-abc123.awsapps.com/start", &mut out).unwrap();
        assert_eq!(out, b"40a89917e3175433e361b710a9d43528d7f1890a\n");
    }
}
