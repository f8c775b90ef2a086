//! STUB (replaced by the limits branch).
#![allow(dead_code, unused)]
use async_graphql::parser::types::ExecutableDocument;
#[derive(Debug, Clone)]
pub struct QueryLimits {
    pub max_document_bytes: usize,
    pub max_depth: usize,
    pub max_complexity: u64,
    pub max_aliases: usize,
    pub max_root_fields: usize,
    pub max_page_size: usize,
    pub introspection: bool,
}
impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_document_bytes: 65536,
            max_depth: 15,
            max_complexity: 10000,
            max_aliases: 30,
            max_root_fields: 20,
            max_page_size: 100,
            introspection: true,
        }
    }
}
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub code: &'static str,
    pub message: String,
    pub pos: Option<async_graphql::Pos>,
    pub maximum: Option<u64>,
}
pub fn precheck(query: &str, limits: &QueryLimits) -> Result<(), Violation> {
    Ok(())
}
pub struct Analyzer;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    pub depth: usize,
    pub complexity: u64,
    pub aliases: usize,
    pub root_fields: usize,
}
impl Analyzer {
    pub fn from_sdl(sdl: &str) -> Analyzer {
        Analyzer
    }
    pub fn check(
        &self,
        doc: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &async_graphql::Variables,
        limits: &QueryLimits,
    ) -> Result<Cost, Violation> {
        Ok(Cost::default())
    }
}
