//! `aws configure export-credentials` formats and the credentials-file snippet, over
//! [`sso_bridge::export`].

use super::cache::time_arg;
use super::convert::{from_js, JsFailure};
use super::shapes::AwsCredentialsJs;
use sso_bridge::cache::AwsCredentials;
use sso_bridge::export::{
    credentials_file_section as core_section, export_credentials as core_export, ExportFormat,
};
use sso_bridge::time::UtcTime;
use wasm_bindgen::prelude::*;

impl AwsCredentialsJs {
    fn into_core(self) -> Result<AwsCredentials, JsFailure> {
        let expiration = match &self.expiration {
            Some(text) => Some(time_arg("expiration", text)?),
            None => None,
        };
        Ok(AwsCredentials {
            access_key_id: self.access_key_id,
            secret_access_key: self.secret_access_key,
            session_token: self.session_token,
            expiration,
            account_id: self.account_id,
        })
    }

    pub(super) fn from_core(credentials: AwsCredentials) -> Self {
        AwsCredentialsJs {
            access_key_id: credentials.access_key_id,
            secret_access_key: credentials.secret_access_key,
            session_token: credentials.session_token,
            expiration: credentials.expiration.map(UtcTime::to_cli_string),
            account_id: credentials.account_id,
        }
    }
}

/// What `aws configure export-credentials --format FORMAT` prints for these credentials
/// (`process`, `env`, `env-no-export`, `powershell`, `windows-cmd`, `fish`). The text holds secrets.
#[wasm_bindgen(js_name = exportCredentials)]
pub fn export_credentials(
    #[wasm_bindgen(unchecked_param_type = "AwsCredentials")] credentials: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ExportFormat")] format: &str,
) -> Result<String, JsValue> {
    let format: ExportFormat = format.parse().map_err(|e: sso_bridge::export::UnknownExportFormat| {
        JsFailure::new("invalid_argument", "UnknownExportFormat", false, e.to_string())
    })?;
    let credentials = from_js("the credentials", &credentials, AwsCredentialsJs::read)?.into_core()?;
    Ok(core_export(&credentials, format).map_err(invalid_credentials)?.expose().to_owned())
}

/// A `~/.aws/credentials` section (`[name]` and the key lines) for these credentials.
#[wasm_bindgen(js_name = credentialsFileSection)]
pub fn credentials_file_section(
    #[wasm_bindgen(js_name = sectionName)] section_name: &str,
    #[wasm_bindgen(unchecked_param_type = "AwsCredentials")] credentials: JsValue,
) -> Result<String, JsValue> {
    let credentials = from_js("the credentials", &credentials, AwsCredentialsJs::read)?.into_core()?;
    Ok(core_section(section_name, &credentials).map_err(invalid_credentials)?.expose().to_owned())
}

fn invalid_credentials(error: sso_bridge::export::InvalidCredentials) -> JsFailure {
    JsFailure::new("invalid_credentials", "InvalidCredentials", false, error.to_string())
}
