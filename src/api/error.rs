//! GraphQL errors: a stable `extensions.code` and a message that says how to fix the request.
//!
//! Policy: every error a resolver returns is one of these codes. Clients branch on the code,
//! people read the message; neither ever contains internal details.

use async_graphql::{ErrorExtensions, FieldError};

/// The machine-readable error codes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// An argument is malformed or out of range.
    InvalidArgument,
    /// An id is not of the form `<kind>:<id>`.
    InvalidId,
    /// A cursor does not belong to the list being paged.
    InvalidCursor,
    /// `first` or `last` is above the maximum page size.
    PageSizeTooLarge,
    /// An answer would exceed its bound (nodes, paths explored, graph size for an exact
    /// measure); the message says which argument to change.
    TooLarge,
    /// An iterative measure did not converge within its iteration bound.
    NotConverged,
    /// A computation failed on the server; not the client's fault.
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::InvalidId => "INVALID_ID",
            Code::InvalidCursor => "INVALID_CURSOR",
            Code::PageSizeTooLarge => "PAGE_SIZE_TOO_LARGE",
            Code::TooLarge => "TOO_LARGE",
            Code::NotConverged => "NOT_CONVERGED",
            Code::Internal => "INTERNAL",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> FieldError {
        FieldError::new(self.message.clone()).extend_with(|_, e| e.set("code", self.code.as_str()))
    }
}

/// Shorthand for an `INVALID_ARGUMENT` error.
pub fn invalid(message: impl Into<String>) -> FieldError {
    ApiError::new(Code::InvalidArgument, message).extend()
}
