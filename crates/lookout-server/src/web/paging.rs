//! Long lists, one page at a time: which rows a page holds and the links
//! to the others, the same on every list so that readers learn it once.

/// Where a list stands. `number` is always a page that exists: a reader who
/// asks for page 99 of 12 is sent to page 12 (`Pages::moved`), never told
/// "page 99 of 12".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pages {
    pub number: i64,
    pub count: i64,
    pub total: i64,
    pub size: i64,
}

impl Pages {
    /// The page `requested` of a list of `total` rows in pages of `size`,
    /// clamped to the pages there are (an empty list has one, empty, page).
    pub fn new(requested: i64, total: i64, size: i64) -> Pages {
        let size = size.max(1);
        let total = total.max(0);
        let count = ((total + size - 1) / size).max(1);
        Pages {
            number: requested.clamp(1, count),
            count,
            total,
            size,
        }
    }

    /// The page to send the reader to when they asked for one that does
    /// not exist (`?page=99`, `?page=-3`); `None` when theirs exists.
    pub fn moved(&self, requested: i64) -> Option<i64> {
        (requested != 0 && requested != self.number).then_some(self.number)
    }

    /// Rows to skip in the query for this page.
    pub fn offset(&self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    /// The 1-based number of the first row shown (0 on an empty list).
    pub fn first_row(&self) -> i64 {
        if self.total == 0 {
            0
        } else {
            self.offset() + 1
        }
    }

    pub fn last_row(&self) -> i64 {
        (self.offset() + self.size).min(self.total)
    }

    /// The page links to show: the first, the last and two either side of
    /// this one; `None` where pages are left out.
    pub fn window(&self) -> Vec<Option<i64>> {
        let mut shown = Vec::new();
        let mut last = 0;
        for n in 1..=self.count {
            let near = (n - self.number).abs() <= 2;
            if n == 1 || n == self.count || near {
                if n > last + 1 {
                    shown.push(None);
                }
                shown.push(Some(n));
                last = n;
            }
        }
        shown
    }
}

/// This page's rows of a list read whole (a short one: a few hundred rows
/// at most, such as the advisories or the articles a reader may see).
pub fn rows_of<T>(rows: Vec<T>, pages: &Pages) -> Vec<T> {
    let skip = usize::try_from(pages.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(pages.size).unwrap_or(0);
    rows.into_iter().skip(skip).take(take).collect()
}

/// `path` with the `query` pairs that are not empty, ready for `page=N` to
/// be appended (it ends in `?` or `&`).
pub fn page_base(path: &str, query: &[(&str, &str)]) -> String {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        if !value.is_empty() {
            url.append_pair(key, value);
        }
    }
    let pairs = url.finish();
    if pairs.is_empty() {
        format!("{path}?page=")
    } else {
        format!("{path}?{pairs}&page=")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_page_beyond_the_last_is_the_last() {
        let pages = Pages::new(99, 600, 50);
        assert_eq!((pages.number, pages.count), (12, 12));
        assert_eq!(pages.moved(99), Some(12));
        assert_eq!(Pages::new(3, 600, 50).moved(3), None);
        assert_eq!(Pages::new(0, 600, 50).moved(0), None);
        assert_eq!(Pages::new(-3, 600, 50).moved(-3), Some(1));
    }

    #[test]
    fn an_empty_list_has_one_empty_page() {
        let pages = Pages::new(1, 0, 50);
        assert_eq!(
            (pages.count, pages.first_row(), pages.last_row()),
            (1, 0, 0)
        );
    }

    #[test]
    fn the_window_keeps_the_ends_and_the_neighbours() {
        let window = Pages::new(6, 600, 50).window();
        assert_eq!(
            window,
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(
            Pages::new(1, 120, 50).window(),
            vec![Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn rows_of_a_page_are_its_slice() {
        let rows: Vec<i64> = (1..=120).collect();
        assert_eq!(
            rows_of(rows.clone(), &Pages::new(3, 120, 50)),
            (101..=120).collect::<Vec<_>>()
        );
        assert_eq!(rows_of(rows, &Pages::new(1, 120, 50)).len(), 50);
    }

    #[test]
    fn the_base_keeps_the_filters() {
        assert_eq!(
            page_base("/triage", &[("status", "new"), ("q", "R-1 2"), ("x", "")]),
            "/triage?status=new&q=R-1+2&page="
        );
        assert_eq!(page_base("/triage", &[("q", "")]), "/triage?page=");
    }

    proptest! {
        #[test]
        fn every_row_is_on_exactly_one_page(total in 0i64..5000, size in 1i64..200, asked in -10i64..500) {
            let pages = Pages::new(asked, total, size);
            prop_assert!(pages.number >= 1 && pages.number <= pages.count);
            prop_assert!(pages.last_row() <= total);
            prop_assert!(pages.first_row() <= pages.last_row() + 1);
            let rows: i64 = (1..=pages.count)
                .map(|n| { let p = Pages::new(n, total, size); p.last_row() - p.offset() })
                .sum();
            prop_assert_eq!(rows, total);
        }
    }
}
