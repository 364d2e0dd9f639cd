//! `install`, `uninstall` and `doctor`: registering the native-messaging helper with browsers.
//! Each returns the process exit code, or an error whose message is printed to stderr.

use crate::aws_files::AwsFiles;
use crate::error_codes::HostError;
use crate::install::{self, InstallOptions};
use crate::platform::{Env, Os};

pub fn install(options: &InstallOptions, os: Os, env: &impl Env) -> Result<u8, HostError> {
    let binary = install::current_binary()?;
    print!("{}", install::install(options, &binary, os, env)?);
    Ok(0)
}

pub fn uninstall(system: bool, os: Os, env: &impl Env) -> Result<u8, HostError> {
    print!("{}", install::uninstall(system, os, env)?);
    Ok(0)
}

/// Exit code 0 when everything is fine, 1 when `doctor` found a problem.
pub fn doctor(os: Os, env: &impl Env) -> Result<u8, HostError> {
    let binary = install::current_binary()?;
    let files = AwsFiles::from_env(os, env)?;
    let (report, problems) = install::doctor(&binary, &files, os, env);
    print!("{report}");
    Ok(u8::from(problems > 0))
}
