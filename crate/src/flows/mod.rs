//! Login, refresh and listing flows over the OIDC and portal operations.
