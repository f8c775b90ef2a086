//! Relay cursor connections: `first/after/last/before`, `edges { cursor node }`, `nodes`,
//! `pageInfo` and `totalCount`, over lists the graph has already filtered and ordered.
//!
//! A cursor is the opaque (base64) global id of the item it points at, so it stays valid
//! while that item is in the list, whatever is inserted before it.

use async_graphql::{ErrorExtensions, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{ApiError, Code};

/// The default page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 20;
/// The largest page a client may ask for by default (`--max-page-size`). The served limit
/// is enforced before execution by [`super::limits`], which sees every `first`/`last`.
pub const MAX_PAGE: usize = 100;
/// The largest page any configuration allows; resolvers refuse more whatever the limits say.
pub const HARD_MAX_PAGE: usize = 1000;

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// The pagination arguments of a connection field.
#[derive(Default, Clone, Debug)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// Which cursors the page makes (every one unless the planned executor knows the
    /// query asks for fewer).
    pub cursors: Cursors,
}

/// Which items of a page get their cursor: each one is a global id formatted and encoded.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursors {
    /// Every item (`edges { cursor }`).
    #[default]
    All,
    /// The first and the last (`pageInfo { startCursor endCursor }`); the others are empty.
    Ends,
    /// None: every cursor is empty and `pageInfo` has none.
    None,
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        PageArgs {
            first,
            after,
            last,
            before,
            cursors: Cursors::All,
        }
    }
}

/// One page of items, each with its cursor.
pub struct Page<T> {
    pub items: Vec<(String, T)>,
    pub info: PageInfo,
    pub total: usize,
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

pub(super) fn check_size(name: &str, value: Option<i32>) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(v) if v < 0 => Err(ApiError::new(
            Code::InvalidArgument,
            format!("`{name}` must not be negative (got {v})"),
        )
        .extend()),
        Some(v) if v as usize > HARD_MAX_PAGE => Err(ApiError::new(
            Code::PageSizeTooLarge,
            format!(
                "`{name}: {v}` is above the maximum page size of {HARD_MAX_PAGE}; \
                 ask for at most {HARD_MAX_PAGE} and follow `pageInfo.endCursor` with `after`"
            ),
        )
        .extend()
        .extend_with(|_, e| e.set("maximum", HARD_MAX_PAGE as u64))),
        Some(v) => Ok(Some(v as usize)),
    }
}

fn find(locate: &dyn Fn(&str) -> Option<usize>, name: &str, cursor: &str) -> Result<usize> {
    let key = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    key.and_then(|k| locate(&k)).ok_or_else(|| {
        ApiError::new(
            Code::InvalidCursor,
            format!(
                "`{name}` cursor `{cursor}` does not point into this list; \
                 use a cursor from this connection's edges or pageInfo"
            ),
        )
        .extend()
    })
}

/// Cuts one page out of `items`, whose stable keys are given by `key`.
pub fn paginate<T>(items: Vec<T>, key: impl Fn(&T) -> String, args: &PageArgs) -> Result<Page<T>> {
    let total = items.len();
    let locate = |k: &str| items.iter().position(|x| key(x) == k);
    let (start, end) = window(total, &locate, args)?;
    let items: Vec<T> = items.into_iter().skip(start).take(end - start).collect();
    Ok(page_of(items, &key, start, end, total, args.cursors))
}

/// Cuts one page out of a list that is never materialised: `total` items, `locate` finds the
/// position of a cursor's key, `fetch(from, to)` reads the page. A cursor costs what `locate`
/// costs (a binary search for traversals), not a scan of the list.
pub fn paginate_seek<T>(
    total: usize,
    locate: impl Fn(&str) -> Option<usize>,
    fetch: impl FnOnce(usize, usize) -> Vec<T>,
    key: impl Fn(&T) -> String,
    args: &PageArgs,
) -> Result<Page<T>> {
    let (start, end) = window(total, &locate, args)?;
    let items = fetch(start, end);
    Ok(page_of(items, &key, start, end, total, args.cursors))
}

/// The positions `start..end` a page covers.
fn window(
    total: usize,
    locate: &dyn Fn(&str) -> Option<usize>,
    args: &PageArgs,
) -> Result<(usize, usize)> {
    let first = check_size("first", args.first)?;
    let last = check_size("last", args.last)?;
    let mut start = 0;
    let mut end = total;
    if let Some(after) = &args.after {
        start = find(locate, "after", after)? + 1;
    }
    if let Some(before) = &args.before {
        end = find(locate, "before", before)?.max(start);
    }
    let first = match (first, last) {
        (None, None) => Some(DEFAULT_PAGE),
        (f, _) => f,
    };
    if let Some(f) = first {
        end = end.min(start + f);
    }
    if let Some(l) = last {
        start = start.max(end.saturating_sub(l));
    }
    Ok((start, end))
}

fn page_of<T>(
    items: Vec<T>,
    key: &impl Fn(&T) -> String,
    start: usize,
    end: usize,
    total: usize,
    cursors: Cursors,
) -> Page<T> {
    let last = items.len().saturating_sub(1);
    let items: Vec<(String, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let wanted = match cursors {
                Cursors::All => true,
                Cursors::Ends => i == 0 || i == last,
                Cursors::None => false,
            };
            let cursor = if wanted {
                encode_cursor(&key(&item))
            } else {
                String::new()
            };
            (cursor, item)
        })
        .collect();
    let ends = cursors != Cursors::None;
    let info = PageInfo {
        has_next_page: end < total,
        has_previous_page: start > 0,
        start_cursor: items.first().filter(|_| ends).map(|(c, _)| c.clone()),
        end_cursor: items.last().filter(|_| ends).map(|(c, _)| c.clone()),
    };
    Page { items, info, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, args: PageArgs) -> Result<Vec<usize>> {
        let items: Vec<usize> = (0..n).collect();
        paginate(items, |i| format!("k{i}"), &args)
            .map(|p| p.items.into_iter().map(|x| x.1).collect())
    }

    #[test]
    fn pages_forward_and_backward() {
        assert_eq!(
            page(30, PageArgs::default()).unwrap(),
            (0..20).collect::<Vec<_>>()
        );
        let after = Some(encode_cursor("k4"));
        let args = PageArgs::new(Some(3), after, None, None);
        assert_eq!(page(30, args).unwrap(), [5, 6, 7]);
        let before = Some(encode_cursor("k4"));
        let args = PageArgs::new(None, None, Some(2), before);
        assert_eq!(page(30, args).unwrap(), [2, 3]);
    }

    #[test]
    fn rejects_oversized_pages_and_foreign_cursors() {
        let err = page(3, PageArgs::new(Some(1001), None, None, None)).unwrap_err();
        assert!(
            err.message.contains("maximum page size of 1000"),
            "{}",
            err.message
        );
        let args = PageArgs::new(None, Some("bm9wZQ".into()), None, None);
        assert!(
            page(3, args)
                .unwrap_err()
                .message
                .contains("does not point into this list")
        );
    }
}
