//! # Small-cell suppression for published statistics
//!
//! Statistics over sanitised incidents are tables of counts of distinct
//! reports (by class, sea area, vessel type, month, ...). The promise is that
//! no published figure singles out a reporter: a figure is shown only when
//! at least `k` distinct reports stand behind it ([`DEFAULT_K`] is 5), and a
//! hidden figure cannot be worked out from the ones that are shown.
//!
//! ```
//! use lookout_privacy::suppress::{Cell, Table, publish};
//!
//! let table = Table::new(
//!     vec!["phishing".into(), "malware".into(), "GNSS".into()],
//!     vec!["Baltic".into(), "North Sea".into(), "Med".into()],
//!     vec![vec![2, 10, 12], vec![8, 15, 9], vec![7, 6, 20]],
//! )?;
//! let out = publish(&table, 5);
//! // The 2 is hidden; so are three more cells, or the 2 could be computed
//! // back from its row total, its column total, or both.
//! assert_eq!(out.cell(0, 0), Some(Cell::Suppressed));
//! assert_eq!(out.cell(0, 1), Some(Cell::Suppressed));
//! assert_eq!(out.cell(2, 0), Some(Cell::Suppressed));
//! assert_eq!(out.cell(2, 1), Some(Cell::Suppressed));
//! assert_eq!(out.cell(1, 1), Some(Cell::Shown(15)));
//! assert_eq!(out.total(), Cell::Shown(89));
//! # Ok::<(), lookout_privacy::Error>(())
//! ```
//!
//! The caller passes cells only; row, column and grand totals are derived
//! from them, so they are always consistent with the cells. A one-way
//! breakdown is a table with one column ([`Table::one_way`]).
//!
//! ## Rules
//!
//! 1. **Primary suppression.** A cell or total with `0 < count < k` is
//!    hidden. `k <= 1` hides nothing.
//! 2. **Zeros are shown.** A zero names no one, and hiding zeros would hide
//!    most of a sparse table. It has a price: a reader then knows that every
//!    hidden figure is at least 1. A row `1, 1, 10 | 12` with both 1s hidden
//!    gives them away (two non-zero numbers adding up to 2), even though the
//!    classic "never exactly one hidden cell in a line" rule is met. The
//!    audit (rule 4) assumes the reader knows this, so such a row loses its
//!    10 as well. A shown zero next to hidden cells also tells the reader
//!    that those reports are not in that cell; that is what publishing the
//!    line at all means, and it does not pin a number.
//! 3. **Complementary suppression.** Further figures are hidden until no
//!    hidden figure can be computed exactly. The table with its margins is a
//!    system of sums (every row and column adds up to its total, the totals
//!    row and column to the grand total); a hidden figure can move only if
//!    it lies on a cycle of hidden figures along which one unit can be
//!    shifted (+1 on some, -1 on others, every sum unchanged) without any
//!    figure leaving what the reader knows about it (at least 1; see rule
//!    2). For each hidden figure that cannot move, the cheapest such cycle
//!    is found (cost: the number of zeros it newly hides, which is always 0
//!    in [`publish`], then the sum of the figures it newly hides, then
//!    their number), and the figures on it are hidden. The cost makes it choose the smallest non-zero figures,
//!    prefer figures already hidden (one complement serves several lines),
//!    and fall back to a line's total when the line has no other non-zero
//!    cell. [`publish`] never hides a zero as a complement (rule 2 makes a
//!    hidden figure non-zero in the reader's eyes); a filtered view may, as
//!    a last resort (below).
//! 4. **Audit.** The cycle test is exact, not a heuristic: the margins of a
//!    two-way table form a flow network (source → row total → cell → column
//!    total → sink → grand total → source), and a figure is pinned exactly
//!    when no residual cycle passes through it. So, against a reader who
//!    knows every shown figure, that counts are whole numbers, that hidden
//!    figures are non-zero, and that the sums hold, every hidden figure has
//!    at least two possible values. That holds also when the reader solves
//!    the whole system at once (linear programming gives nothing more here:
//!    the system is a network, so its extreme points are integral).
//! 5. **No rounding.** Shown figures are exact.
//!
//! ## Filtered views
//!
//! A view restricted by a filter (one sea area, one period) is published
//! with [`publish_filtered`], given the same table without the filter. A
//! reader who sees both can subtract: `unfiltered - filtered` counts real
//! reports (those outside the filter). So:
//!
//! - **Difference rule.** A filtered figure is hidden when
//!   `0 < unfiltered - filtered < k`, whether or not the unfiltered figure
//!   is shown (when it is hidden the difference cannot be taken exactly, but
//!   its range can be narrow). This also hides a filtered 0 next to a small
//!   unfiltered count: "none of the 3 are in this sea area" places all 3.
//! - **Audit of the filtered table.** As in rule 4, with what the unfiltered
//!   view adds: a filtered figure is at most the unfiltered one where that
//!   is shown. The audit also assumes the reader knows which hidden figures
//!   are zero.
//! - **Zeros.** Since the difference rule hides some zeros, a hidden
//!   filtered figure may be zero, and zeros may serve as complements when
//!   nothing else can (the cover's cost counts zeros before values). The
//!   typical case: a filtered 0 hidden beside a small unfiltered count, in a
//!   column whose filtered total is 0 too; shown, that total would pin it,
//!   so it is hidden as well. A zero under an unfiltered zero is never
//!   hidden: the reader knows it anyway.
//! - **Audit of the difference table.** The figures shown in both views give
//!   the complementary view ("everything outside the filter") for free. It
//!   is audited like rule 4: no figure hidden in it (because it is hidden in
//!   either view) may be pinned by its sums. This is what stops the filtered
//!   view from undoing the unfiltered view's suppression, and the other way
//!   round.
//!
//! What this protects: one published view against itself, and one filtered
//! view against the unfiltered view it refines, when that unfiltered view is
//! published with [`publish`] and the same `k`.
//!
//! What it does **not** protect:
//!
//! - Several filtered views against one another (sea area A and sea area B,
//!   or two overlapping periods), nested filters other than against the
//!   view they directly refine, or the same data cut by different
//!   dimensions in different tables. Each such pair or chain adds sums the
//!   audit has not seen; the server should publish a fixed set of views and
//!   not combine filters freely, or audit the pairs it allows.
//! - A reader who solves the filtered, unfiltered and difference tables as
//!   one three-way system. They are audited as three two-way tables; the
//!   combined system may narrow a range further.
//! - A reader who reasons about the algorithm itself ("this cell must be
//!   the complement of that one, so it is large"), or who knows that a
//!   figure hidden as primary is below `k` (for `k = 2` that is exactly 1,
//!   unless it may be a complement).
//! - Protection intervals: "at least two possible values" is the guarantee,
//!   not a range as wide as `k`.
//! - Anything outside the counts: who could have been in a sea area on a
//!   given day, or what a narrative says.
//!
//! If no cover can be found even after hiding everything that may be
//! hidden, the filtered view is withheld: every figure comes back
//! [`Cell::Suppressed`]. That is a safety net; it did not happen in 40,000
//! random views tried while writing this.
//!
//! Cost: each hidden figure is checked once (a graph search over the
//! table's rows and columns) and each cover is a shortest path. In a debug
//! build a 20 × 52 table (classes by week) takes about 10 ms to publish and
//! 50 ms as a filtered view; 40 × 52, about 30 ms and 250 ms.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use crate::Error;

/// The threshold when none is configured: a figure is shown only with at
/// least this many distinct reports behind it.
pub const DEFAULT_K: u64 = 5;

/// A two-way table of counts of distinct reports, with its totals derived
/// from the cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    rows: Vec<String>,
    cols: Vec<String>,
    counts: Vec<Vec<u64>>,
    row_totals: Vec<u64>,
    col_totals: Vec<u64>,
    total: u64,
}

impl Table {
    /// A table with `counts[row][col]`.
    ///
    /// # Errors
    ///
    /// [`Error::TableShape`] unless there is one row of counts per row label
    /// and one count per column label in each, [`Error::CountOverflow`] if
    /// the counts add up to more than a `u64` holds.
    pub fn new(rows: Vec<String>, cols: Vec<String>, counts: Vec<Vec<u64>>) -> Result<Self, Error> {
        if counts.len() != rows.len() || counts.iter().any(|r| r.len() != cols.len()) {
            return Err(Error::TableShape {
                rows: rows.len(),
                cols: cols.len(),
            });
        }
        let mut row_totals = Vec::with_capacity(rows.len());
        let mut col_totals = vec![0u64; cols.len()];
        let mut total = 0u64;
        for row in &counts {
            let mut sum = 0u64;
            for (&v, col) in row.iter().zip(col_totals.iter_mut()) {
                sum = sum.checked_add(v).ok_or(Error::CountOverflow)?;
                *col = col.checked_add(v).ok_or(Error::CountOverflow)?;
            }
            total = total.checked_add(sum).ok_or(Error::CountOverflow)?;
            row_totals.push(sum);
        }
        Ok(Self {
            rows,
            cols,
            counts,
            row_totals,
            col_totals,
            total,
        })
    }

    /// A one-way breakdown: one count per row, in a single column labelled
    /// `column`. Its row totals repeat its cells, and are hidden with them.
    ///
    /// # Errors
    ///
    /// As [`Table::new`].
    pub fn one_way(
        column: impl Into<String>,
        rows: Vec<String>,
        counts: Vec<u64>,
    ) -> Result<Self, Error> {
        Self::new(
            rows,
            vec![column.into()],
            counts.into_iter().map(|c| vec![c]).collect(),
        )
    }

    /// Row labels.
    #[must_use]
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Column labels.
    #[must_use]
    pub fn cols(&self) -> &[String] {
        &self.cols
    }

    /// The counts, one row of them per row label.
    #[must_use]
    pub fn counts(&self) -> &[Vec<u64>] {
        &self.counts
    }

    /// One count, if `row` and `col` are in the table.
    #[must_use]
    pub fn count(&self, row: usize, col: usize) -> Option<u64> {
        self.counts.get(row)?.get(col).copied()
    }

    /// Row totals.
    #[must_use]
    pub fn row_totals(&self) -> &[u64] {
        &self.row_totals
    }

    /// Column totals.
    #[must_use]
    pub fn col_totals(&self) -> &[u64] {
        &self.col_totals
    }

    /// The grand total.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// One published figure. Serialises as the number, or `null` when hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// The exact count.
    Shown(u64),
    /// Hidden: too few reports, or it would let a hidden figure be computed.
    Suppressed,
}

impl Cell {
    /// The count, if shown.
    #[must_use]
    pub fn value(self) -> Option<u64> {
        match self {
            Self::Shown(v) => Some(v),
            Self::Suppressed => None,
        }
    }

    /// Whether the figure is hidden.
    #[must_use]
    pub fn is_suppressed(self) -> bool {
        self == Self::Suppressed
    }
}

/// A table as it may be published: the labels, and every cell and total
/// either shown exactly or suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    rows: Vec<String>,
    cols: Vec<String>,
    cells: Vec<Vec<Cell>>,
    row_totals: Vec<Cell>,
    col_totals: Vec<Cell>,
    total: Cell,
}

impl Published {
    /// Row labels.
    #[must_use]
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Column labels.
    #[must_use]
    pub fn cols(&self) -> &[String] {
        &self.cols
    }

    /// The cells, one row of them per row label.
    #[must_use]
    pub fn cells(&self) -> &[Vec<Cell>] {
        &self.cells
    }

    /// One cell, if `row` and `col` are in the table.
    #[must_use]
    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        self.cells.get(row)?.get(col).copied()
    }

    /// Row totals.
    #[must_use]
    pub fn row_totals(&self) -> &[Cell] {
        &self.row_totals
    }

    /// Column totals.
    #[must_use]
    pub fn col_totals(&self) -> &[Cell] {
        &self.col_totals
    }

    /// The grand total.
    #[must_use]
    pub fn total(&self) -> Cell {
        self.total
    }

    /// How many figures (cells and totals) are suppressed.
    #[must_use]
    pub fn suppressed(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .chain(&self.row_totals)
            .chain(&self.col_totals)
            .chain(std::iter::once(&self.total))
            .filter(|c| c.is_suppressed())
            .count()
    }
}

/// Publishes `table` with threshold `k` (see the [module](self) docs for
/// the rules).
#[must_use]
pub fn publish(table: &Table, k: u64) -> Published {
    let grid = Grid::new(table);
    Published::new(table, &hidden(&grid, k))
}

/// Publishes `filtered`, a view of `unfiltered` restricted by a filter, so
/// that it is safe both on its own and next to `publish(unfiltered, k)`
/// (see the [module](self) docs for what that covers, and what not).
///
/// # Errors
///
/// [`Error::FilterMismatch`] if the two tables have different row or
/// column labels, [`Error::FilterExceeds`] if a filtered count is larger
/// than the unfiltered one (then `filtered` is not a restriction of
/// `unfiltered`).
pub fn publish_filtered(filtered: &Table, unfiltered: &Table, k: u64) -> Result<Published, Error> {
    if filtered.rows != unfiltered.rows || filtered.cols != unfiltered.cols {
        return Err(Error::FilterMismatch);
    }
    for (i, (f_row, u_row)) in filtered.counts.iter().zip(&unfiltered.counts).enumerate() {
        for (j, (&f, &u)) in f_row.iter().zip(u_row).enumerate() {
            if f > u {
                return Err(Error::FilterExceeds {
                    row: filtered.rows.get(i).cloned().unwrap_or_default(),
                    col: filtered.cols.get(j).cloned().unwrap_or_default(),
                    filtered: f,
                    unfiltered: u,
                });
            }
        }
    }
    let f = Grid::new(filtered);
    let u = Grid::new(unfiltered);
    let u_hidden = hidden(&u, k);
    // Cell by cell f <= u, so every margin is too.
    let d = Grid {
        rows: f.rows,
        cols: f.cols,
        value: f
            .value
            .iter()
            .zip(&u.value)
            .map(|(&f, &u)| u.saturating_sub(f))
            .collect(),
    };
    let mut hide: Vec<bool> = f
        .value
        .iter()
        .zip(&d.value)
        .map(|(&f, &d)| small(f, k) || small(d, k))
        .collect();

    // Zeros may be hidden here (the difference rule already hides some),
    // but only where the unfiltered count is not zero: below a shown zero a
    // reader knows the filtered figure is zero too.
    let can_hide: Vec<bool> = (0..f.len())
        .map(|e| f.value[e] > 0 || u.value[e] > 0)
        .collect();
    let f_system = System {
        grid: &f,
        // Non-zero where the truth is: stricter than what a reader can know.
        bounds: (0..f.len())
            .map(|e| Bounds::new(f.value[e].min(1), (!u_hidden[e]).then_some(u.value[e])))
            .collect(),
        always_hidden: vec![false; f.len()],
        can_hide: can_hide.clone(),
    };
    let d_system = System {
        grid: &d,
        bounds: (0..d.len())
            .map(|e| {
                if u_hidden[e] {
                    // A hidden unfiltered figure is non-zero (rule 2), so
                    // beside a shown filtered 0 the difference is too.
                    Bounds {
                        lo_if_shown: u64::from(f.value[e] == 0),
                        lo_if_hidden: 0,
                        hi: None,
                    }
                } else {
                    // Hidden here because hidden in the filtered view. One
                    // below the unfiltered figure when the filtered one is
                    // non-zero: again the truth, stricter than a reader's.
                    Bounds::new(0, Some(u.value[e].saturating_sub(f.value[e].min(1))))
                }
            })
            .collect(),
        always_hidden: u_hidden.clone(),
        can_hide: (0..f.len()).map(|e| can_hide[e] && !u_hidden[e]).collect(),
    };
    if !settle(&[f_system, d_system], &mut hide, &f.value) {
        hide.fill(true);
    }
    Ok(Published::new(filtered, &hide))
}

/// Primary suppression.
fn small(count: u64, k: u64) -> bool {
    count > 0 && count < k
}

/// The suppression pattern [`publish`] uses, entry by entry of the grid.
fn hidden(grid: &Grid, k: u64) -> Vec<bool> {
    let mut hide: Vec<bool> = grid.value.iter().map(|&v| small(v, k)).collect();
    let system = System {
        grid,
        bounds: grid
            .value
            .iter()
            .map(|&v| Bounds::new(v.min(1), None))
            .collect(),
        always_hidden: vec![false; grid.len()],
        can_hide: grid.value.iter().map(|&v| v > 0).collect(),
    };
    // Hiding every non-zero figure always protects a lone table (each one
    // then lies on the cycle through its row, column and grand totals), so
    // this cannot fail; the fallback is there for safety.
    if !settle(&[system], &mut hide, &grid.value) {
        hide.fill(true);
    }
    hide
}

impl Published {
    fn new(table: &Table, hide: &[bool]) -> Self {
        let width = table.cols.len() + 1;
        let show = |e: usize, v: u64| {
            if hide.get(e).copied().unwrap_or(true) {
                Cell::Suppressed
            } else {
                Cell::Shown(v)
            }
        };
        let cells = table
            .counts
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, &v)| show(i * width + j, v))
                    .collect()
            })
            .collect();
        let row_totals = table
            .row_totals
            .iter()
            .enumerate()
            .map(|(i, &v)| show(i * width + width - 1, v))
            .collect();
        let last = table.rows.len() * width;
        let col_totals = table
            .col_totals
            .iter()
            .enumerate()
            .map(|(j, &v)| show(last + j, v))
            .collect();
        Self {
            rows: table.rows.clone(),
            cols: table.cols.clone(),
            cells,
            row_totals,
            col_totals,
            total: show(last + width - 1, table.total),
        }
    }
}

/// A table and its margins as one grid of `(rows + 1) × (cols + 1)` entries,
/// row-major: the last column holds the row totals, the last row the column
/// totals, the corner the grand total. Every line of the grid says "these
/// entries add up to the last one", and that is all a reader can combine.
///
/// Seen as a flow network, entry `e` is the edge [`Grid::ends`] gives, and
/// the grid is a circulation: source → row (row total) → column (cell) →
/// sink (column total) → source (grand total).
struct Grid {
    rows: usize,
    cols: usize,
    value: Vec<u64>,
}

impl Grid {
    fn new(t: &Table) -> Self {
        let mut value = Vec::with_capacity((t.rows.len() + 1) * (t.cols.len() + 1));
        for (row, total) in t.counts.iter().zip(&t.row_totals) {
            value.extend(row);
            value.push(*total);
        }
        value.extend(&t.col_totals);
        value.push(t.total);
        Self {
            rows: t.rows.len(),
            cols: t.cols.len(),
            value,
        }
    }

    fn len(&self) -> usize {
        self.value.len()
    }

    fn nodes(&self) -> usize {
        self.rows + self.cols + 2
    }

    /// The edge entry `e` is: (tail, head).
    fn ends(&self, e: usize) -> (usize, usize) {
        let (i, j) = (e / (self.cols + 1), e % (self.cols + 1));
        let source = 0;
        let sink = self.rows + self.cols + 1;
        match (i < self.rows, j < self.cols) {
            (true, true) => (1 + i, 1 + self.rows + j),
            (true, false) => (source, 1 + i),
            (false, true) => (1 + self.rows + j, sink),
            (false, false) => (sink, source),
        }
    }
}

/// What a reader knows about a hidden entry besides the sums: at least
/// `lo` (which may depend on whether the published table shows the entry),
/// at most `hi`.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    lo_if_shown: u64,
    lo_if_hidden: u64,
    hi: Option<u64>,
}

impl Bounds {
    fn new(lo: u64, hi: Option<u64>) -> Self {
        Self {
            lo_if_shown: lo,
            lo_if_hidden: lo,
            hi,
        }
    }
}

/// One system of sums a reader can solve: its true values, what the reader
/// knows about each entry once hidden, which entries are hidden whatever
/// the published table does, and which become hidden when the published
/// table hides them.
struct System<'a> {
    grid: &'a Grid,
    bounds: Vec<Bounds>,
    always_hidden: Vec<bool>,
    can_hide: Vec<bool>,
}

/// Cost of hiding more of the published table: zeros hidden (a last
/// resort, they are only hidden where nothing else protects), then the sum
/// of the values hidden, then their number.
type Cost = (u32, u128, u32);

fn cost_of(value: u64) -> Cost {
    (u32::from(value == 0), u128::from(value), 1)
}

fn add(a: Cost, b: Cost) -> Cost {
    (
        a.0.saturating_add(b.0),
        a.1.saturating_add(b.1),
        a.2.saturating_add(b.2),
    )
}

impl System<'_> {
    fn is_hidden(&self, hide: &[bool], e: usize) -> bool {
        hide[e] || self.always_hidden[e]
    }

    /// Whether the entry, if hidden here, could go (up, down) by one as far
    /// as its own bounds go, with the published table hiding it or not.
    fn slack(&self, e: usize, published_hides: bool) -> (bool, bool) {
        let v = self.grid.value[e];
        let b = self.bounds[e];
        let lo = if published_hides {
            b.lo_if_hidden
        } else {
            b.lo_if_shown
        };
        (b.hi.is_none_or(|h| v < h), v > lo)
    }

    /// Whether hidden entry `e` can take another value: whether a residual
    /// cycle runs through it (a feasible solution that differs in `e`
    /// differs by a sum of such cycles, and pushing one unit round one is
    /// feasible).
    fn movable(&self, hide: &[bool], e: usize) -> bool {
        let mut adj = vec![Vec::new(); self.grid.nodes()];
        for x in 0..self.grid.len() {
            if x != e && self.is_hidden(hide, x) {
                let (tail, head) = self.grid.ends(x);
                let (up, down) = self.slack(x, hide[x]);
                if up {
                    adj[tail].push(head);
                }
                if down {
                    adj[head].push(tail);
                }
            }
        }
        let (tail, head) = self.grid.ends(e);
        let (up, down) = self.slack(e, hide[e]);
        (up && reaches(&adj, head, tail)) || (down && reaches(&adj, tail, head))
    }

    /// The cheapest set of entries to hide in the published table so that
    /// `e` can move, or `None` if no set does.
    fn cover(&self, hide: &[bool], cost: &[u64], e: usize) -> Option<Vec<usize>> {
        let mut adj: Vec<Vec<(usize, usize, Cost)>> = vec![Vec::new(); self.grid.nodes()];
        for (x, &value) in cost.iter().enumerate() {
            if x == e {
                continue;
            }
            // Candidates are judged as they would be once hidden.
            let (c, published_hides) = if self.is_hidden(hide, x) {
                ((0, 0, 0), hide[x])
            } else if self.can_hide[x] {
                (cost_of(value), true)
            } else {
                continue;
            };
            let (tail, head) = self.grid.ends(x);
            let (up, down) = self.slack(x, published_hides);
            if up {
                adj[tail].push((head, x, c));
            }
            if down {
                adj[head].push((tail, x, c));
            }
        }
        let (tail, head) = self.grid.ends(e);
        let (up, down) = self.slack(e, hide[e]);
        let paths = [
            up.then(|| cheapest(&adj, head, tail)).flatten(),
            down.then(|| cheapest(&adj, tail, head)).flatten(),
        ];
        let (_, path) = paths.into_iter().flatten().min_by_key(|(c, _)| *c)?;
        Some(path.into_iter().filter(|&x| !hide[x]).collect())
    }
}

fn reaches(adj: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; adj.len()];
    let mut queue = VecDeque::from([from]);
    seen[from] = true;
    while let Some(n) = queue.pop_front() {
        if n == to {
            return true;
        }
        for &m in &adj[n] {
            if !seen[m] {
                seen[m] = true;
                queue.push_back(m);
            }
        }
    }
    false
}

/// Dijkstra: the cheapest path and the entries on it.
fn cheapest(
    adj: &[Vec<(usize, usize, Cost)>],
    from: usize,
    to: usize,
) -> Option<(Cost, Vec<usize>)> {
    let mut best: Vec<Option<Cost>> = vec![None; adj.len()];
    let mut via: Vec<Option<(usize, usize)>> = vec![None; adj.len()];
    let mut heap = BinaryHeap::from([Reverse(((0, 0, 0), from))]);
    best[from] = Some((0, 0, 0));
    while let Some(Reverse((c, n))) = heap.pop() {
        if best[n].is_some_and(|b| b < c) {
            continue;
        }
        if n == to {
            let mut path = Vec::new();
            let mut at = to;
            while let Some((prev, entry)) = via[at] {
                path.push(entry);
                at = prev;
            }
            return Some((c, path));
        }
        for &(m, entry, step) in &adj[n] {
            let next = add(c, step);
            if best[m].is_none_or(|b| next < b) {
                best[m] = Some(next);
                via[m] = Some((n, entry));
                heap.push(Reverse((next, m)));
            }
        }
    }
    None
}

/// Hides more entries until no hidden entry of any system is pinned.
/// Returns `false` if that cannot be done (the caller then withholds the
/// table).
///
/// Hiding an entry only widens what a reader can believe of the others, so
/// an entry found movable stays movable and is not checked again.
fn settle(systems: &[System<'_>], hide: &mut [bool], cost: &[u64]) -> bool {
    let n = hide.len();
    let mut movable = vec![false; n * systems.len()];
    let mut escalated = false;
    loop {
        let mut pinned = None;
        'find: for (s, system) in systems.iter().enumerate() {
            for e in 0..n {
                if system.is_hidden(hide, e) && !movable[s * n + e] {
                    if system.movable(hide, e) {
                        movable[s * n + e] = true;
                    } else {
                        pinned = Some((system, e));
                        break 'find;
                    }
                }
            }
        }
        let Some((system, e)) = pinned else {
            return true;
        };
        match system.cover(hide, cost, e) {
            Some(extra) if !extra.is_empty() => {
                for x in extra {
                    hide[x] = true;
                }
            }
            _ if !escalated => {
                escalated = true;
                for system in systems {
                    for (h, &can) in hide.iter_mut().zip(&system.can_hide) {
                        *h |= can;
                    }
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(counts: &[&[u64]]) -> Table {
        let rows = (0..counts.len()).map(|i| format!("r{i}")).collect();
        let cols = (0..counts.first().map_or(0, |r| r.len()))
            .map(|j| format!("c{j}"))
            .collect();
        Table::new(rows, cols, counts.iter().map(|r| r.to_vec()).collect()).unwrap()
    }

    #[test]
    fn grid_is_a_circulation() {
        let t = table(&[&[1, 2], &[3, 4]]);
        let g = Grid::new(&t);
        assert_eq!(g.value, vec![1, 2, 3, 3, 4, 7, 4, 6, 10]);
        // Flow in equals flow out at every node.
        let mut balance = vec![0i128; g.nodes()];
        for e in 0..g.len() {
            let (tail, head) = g.ends(e);
            balance[tail] -= i128::from(g.value[e]);
            balance[head] += i128::from(g.value[e]);
        }
        assert!(balance.iter().all(|&b| b == 0));
    }

    #[test]
    fn a_pair_of_ones_is_pinned_by_non_zero() {
        // Row 1, 1, 10 | 12 with only the 1s hidden: both are non-zero and
        // add up to 2.
        let g = Grid::new(&table(&[&[1, 1, 10]]));
        let system = System {
            grid: &g,
            bounds: g
                .value
                .iter()
                .map(|&v| Bounds::new(v.min(1), None))
                .collect(),
            always_hidden: vec![false; g.len()],
            can_hide: g.value.iter().map(|&v| v > 0).collect(),
        };
        let mut hide = vec![false; g.len()];
        // Cells (0,0), (0,1) and their column totals (which equal them).
        for e in [0, 1, 4, 5] {
            hide[e] = true;
        }
        assert!(!system.movable(&hide, 0));
        assert!(settle(&[system], &mut hide, &g.value));
        // The 10 and its column total go too; the totals of 12 stay.
        assert_eq!(hide, vec![true, true, true, false, true, true, true, false]);
    }
}
