//! Source documents.

use super::*;

/// A source document that the data cites.
#[Object]
impl Source {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        self.gid(ctx)
    }
    /// The document's file name in the data set's `sources/` folder.
    async fn file<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).file
    }
    async fn title<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &self.data(ctx).title
    }
    async fn publisher<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).publisher.as_deref()
    }
    async fn year(&self, ctx: &Context<'_>) -> Option<PartialDate> {
        self.data(ctx).year.map(PartialDate)
    }
    async fn description<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).description.as_deref()
    }
    /// The full text of the document.
    async fn text<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.data(ctx).text.as_deref()
    }
}
