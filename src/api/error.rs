//! GraphQL errors: a stable `extensions.code` and a message that says how to fix the request.
//!
//! Policy: every error a resolver returns is one of these codes. Clients branch on the code,
//! people read the message; neither ever contains internal details.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{ErrorExtensions, FieldError, Response};

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

/// Codes the argument errors async-graphql raises itself while running a field: an `Int`
/// literal beyond 32 bits, a negative value for an unsigned argument. Validation lets such
/// literals through, so they fail when the field is resolved and come back with a `path`
/// like a resolver's error, but without a code; this gives them `INVALID_ARGUMENT`.
pub(crate) struct CodeArgumentErrors;

impl ExtensionFactory for CodeArgumentErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CodeArgumentErrors)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CodeArgumentErrors {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for e in &mut response.errors {
            // The two messages of async-graphql's `InputValueError`.
            let coercion = e.message.starts_with("Failed to parse \"")
                || e.message.starts_with("Expected input type \"");
            let coded = e
                .extensions
                .as_ref()
                .is_some_and(|x| x.get("code").is_some());
            if coercion && !e.path.is_empty() && !coded {
                let extensions = e.extensions.get_or_insert_with(Default::default);
                extensions.set("code", Code::InvalidArgument.as_str());
            }
        }
        response
    }
}
