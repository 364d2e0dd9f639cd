//! HTTP request/response values and AWS-shaped errors.

use serde_json::json;

/// One HTTP request as the emulator sees it (already read off the socket).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Raw query string (for the log).
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Builds a request from a method, a `path?query` target, headers and a body.
    pub fn new(method: &str, target: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Request {
        let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: crate::urlenc::parse_pairs(raw_query),
            raw_query: raw_query.to_string(),
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Form fields of an `application/x-www-form-urlencoded` body.
    pub fn form(&self) -> Vec<(String, String)> {
        crate::urlenc::parse_pairs(&String::from_utf8_lossy(&self.body))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    pub fn html(status: u16, page: String) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: page.into_bytes(),
        }
    }

    pub fn redirect(location: &str) -> Response {
        Response {
            status: 302,
            headers: vec![("Location".into(), location.into()), ("Cache-Control".into(), "no-store".into())],
            body: Vec::new(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Which AWS service shape an error takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// SSO OIDC: body `{"error","error_description"}`.
    Oidc,
    /// SSO portal: body `{"message"}`.
    Portal,
}

const OIDC_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";
/// The portal's coral namespace has not been seen on the wire (spec §11.2); clients strip everything
/// after the `:` anyway.
const PORTAL_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";

/// An error answer, named as in the AWS service model.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub service: Service,
    pub status: u16,
    /// The modelled exception name (`x-amzn-ErrorType` before the colon).
    pub name: &'static str,
    /// The OAuth `error` string (OIDC only).
    pub oauth_error: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn oidc(status: u16, name: &'static str, oauth_error: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            service: Service::Oidc,
            status,
            name,
            oauth_error,
            message: message.into(),
            retry_after: None,
        }
    }

    fn portal(status: u16, name: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            service: Service::Portal,
            status,
            name,
            oauth_error: "",
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::oidc(400, "InvalidRequestException", "invalid_request", message)
    }
    pub fn invalid_client(message: impl Into<String>) -> Self {
        Self::oidc(401, "InvalidClientException", "invalid_client", message)
    }
    pub fn invalid_grant(message: impl Into<String>) -> Self {
        Self::oidc(400, "InvalidGrantException", "invalid_grant", message)
    }
    pub fn unauthorized_client(message: impl Into<String>) -> Self {
        Self::oidc(400, "UnauthorizedClientException", "unauthorized_client", message)
    }
    pub fn unsupported_grant_type(message: impl Into<String>) -> Self {
        Self::oidc(400, "UnsupportedGrantTypeException", "unsupported_grant_type", message)
    }
    pub fn invalid_scope(message: impl Into<String>) -> Self {
        Self::oidc(400, "InvalidScopeException", "invalid_scope", message)
    }
    pub fn authorization_pending() -> Self {
        Self::oidc(
            400,
            "AuthorizationPendingException",
            "authorization_pending",
            "Authorization is still pending",
        )
    }
    pub fn slow_down() -> Self {
        Self::oidc(400, "SlowDownException", "slow_down", "Client is polling too frequently; slow down")
    }
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::oidc(400, "AccessDeniedException", "access_denied", message)
    }
    pub fn expired_token(message: impl Into<String>) -> Self {
        Self::oidc(400, "ExpiredTokenException", "expired_token", message)
    }
    pub fn internal(service: Service) -> Self {
        match service {
            Service::Oidc => Self::oidc(
                500,
                "InternalServerException",
                "server_error",
                "An internal server error occurred",
            ),
            Service::Portal => {
                Self::portal(500, "InternalServerException", "An internal server error occurred")
            }
        }
    }
    pub fn invalid_client_metadata(message: impl Into<String>) -> Self {
        Self::oidc(400, "InvalidClientMetadataException", "invalid_client_metadata", message)
    }
    pub fn invalid_redirect_uri(message: impl Into<String>) -> Self {
        Self::oidc(400, "InvalidRedirectUriException", "invalid_redirect_uri", message)
    }

    /// 401 with the text IAM Identity Center sends for a bad, expired or revoked token.
    pub fn portal_unauthorized() -> Self {
        Self::portal(401, "UnauthorizedException", "Session token not found or invalid")
    }
    pub fn portal_invalid_request(message: impl Into<String>) -> Self {
        Self::portal(400, "InvalidRequestException", message)
    }
    pub fn portal_too_many_requests(retry_after: Option<u64>) -> Self {
        ApiError { retry_after, ..Self::portal(429, "TooManyRequestsException", "Too many requests") }
    }
    pub fn portal_not_found(message: impl Into<String>) -> Self {
        Self::portal(404, "ResourceNotFoundException", message)
    }
    /// Not in the model, but what the real portal answers for a role that is not assigned.
    pub fn portal_forbidden() -> Self {
        Self::portal(403, "ForbiddenException", "No access")
    }

    pub fn into_response(self) -> Response {
        let (namespace, body) = match self.service {
            Service::Oidc => {
                (OIDC_NAMESPACE, json!({"error": self.oauth_error, "error_description": self.message}))
            }
            Service::Portal => (PORTAL_NAMESPACE, json!({"message": self.message})),
        };
        let mut response = Response::json(self.status, &body);
        response.headers.push(("x-amzn-ErrorType".into(), format!("{}:{namespace}", self.name)));
        if let Some(seconds) = self.retry_after {
            response.headers.push(("Retry-After".into(), seconds.to_string()));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_matches_the_wire_capture() {
        // aws/aws-cli#5878: 400, this header, and an 86-byte body.
        let response = ApiError::authorization_pending().into_response();
        assert_eq!(response.status, 400);
        assert_eq!(
            response.header("x-amzn-errortype"),
            Some("AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
        );
        assert_eq!(
            String::from_utf8(response.body.clone()).unwrap(),
            r#"{"error":"authorization_pending","error_description":"Authorization is still pending"}"#
        );
        assert_eq!(response.body.len(), 86);
    }

    #[test]
    fn portal_errors_carry_a_message() {
        let response = ApiError::portal_too_many_requests(Some(3)).into_response();
        assert_eq!(response.status, 429);
        assert_eq!(response.header("Retry-After"), Some("3"));
        assert_eq!(response.json_body(), json!({"message": "Too many requests"}));
        let response = ApiError::portal_unauthorized().into_response();
        assert_eq!(response.status, 401);
        assert_eq!(response.json_body()["message"], "Session token not found or invalid");
    }

    #[test]
    fn request_parsing() {
        let request = Request::new(
            "get",
            "/a/b?x=1&y=%2F",
            vec![("X-Amz-Sso_Bearer_Token".into(), "t".into())],
            vec![],
        );
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/a/b");
        assert_eq!(request.query_param("y"), Some("/"));
        assert_eq!(request.header("x-amz-sso_bearer_token"), Some("t"));
    }
}
