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
//!    line at all means, and it does not pin a number. Figures forced
//!    hidden by a linked table ([`publish_hiding`]) may be zero; see
//!    [Linked tables](#linked-tables).
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
//!    their number), and the figures on it are hidden. The cost makes it
//!    choose the smallest non-zero figures, prefer figures already hidden
//!    (one complement serves several lines), and fall back to a line's
//!    total when the line has no other non-zero cell. The grand total, the
//!    figure readers want most, is taken only when no cover without it
//!    (and without unforced zeros) exists. [`publish`] never
//!    hides a zero as a complement (rule 2 makes a hidden figure non-zero
//!    in the reader's eyes); [`publish_hiding`] may, but only to protect a
//!    forced zero, and a filtered view may, as a last resort (below).
//! 4. **Audit.** The cycle test is exact, not a heuristic: the margins of a
//!    two-way table form a flow network (source → row total → cell → column
//!    total → sink → grand total → source), and a figure is pinned exactly
//!    when no residual cycle passes through it. So, against a reader who
//!    knows every shown figure, that counts are whole numbers, which hidden
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
//!   or two overlapping periods), or nested filters other than against the
//!   view they directly refine. Each such pair or chain adds sums the audit
//!   has not seen; the server should publish a fixed set of views and not
//!   combine filters freely, or audit the pairs it allows. (The same data
//!   cut by different dimensions in different tables is the subject of
//!   [Linked tables](#linked-tables).)
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
//! ## Linked tables
//!
//! Tables over the same reports share figures: classes by sea area and
//! classes by vessel type have the same class totals and grand total; a
//! one-way breakdown by class repeats them as its cells. A reader sees
//! every published table, so a shared figure hidden in one and shown in
//! another is simply shown, and the hidden copy is pinned. Shared figures
//! must therefore be hidden in all tables or in none, and each table must
//! protect the ones it hides for another's sake.
//!
//! [`publish_hiding`] does the second part. Given the [`Figure`]s another
//! table hides, it hides them whatever their count, then applies rules 1,
//! 3 and 4 as [`publish`] does: no hidden figure of the table, forced or
//! not, is pinned by the table's sums, against a reader who knows every
//! shown figure, that counts are whole, and which hidden figures are
//! non-zero. Figures the table does not have are ignored (a linked table
//! may have more rows), and `publish_hiding(t, k, &[])` is `publish(t, k)`.
//! It never withholds a table that has a cell: every figure then lies on a
//! cycle (a cell, its row and column totals and the grand total, all able
//! to grow), so hiding more can always protect it. A table with no rows or
//! no columns has no such cycle; its figures are all 0 and known to be, and
//! if one of them is forced the whole table comes back suppressed.
//!
//! **Zeros.** A forced figure may be zero, and then rule 2 no longer holds:
//! a hidden 0 can only be believed larger, so its cover may have to hide
//! zeros as well (a row of zeros can only move through its total, also 0).
//! That happens only when a forced figure is zero; otherwise every hidden
//! figure is non-zero, as in [`publish`]. The audit does not rely on rule
//! 2 either way: it credits the reader with knowing exactly which hidden
//! figures are non-zero (true, since it uses the real counts), which is at
//! least what any reader can know, whether they read rule 2 as "hidden
//! means at least 1 unless forced" or allow every hidden figure to be 0.
//! In the iteration below, started from nothing forced, no zero is ever
//! hidden (primary and complementary suppression hide none, so none is
//! ever forced); zeros are hidden only when the caller forces them itself.
//!
//! **The iteration.** The caller does the first part: publish every table
//! with the shared figures forced so far, add to the forced set every
//! shared figure any table hid (mapped to each table's own [`Figure`]:
//! the class totals are [`Figure::RowTotal`] in a class × area table but
//! [`Figure::ColTotal`] in an area × class one, and both the
//! [`Figure::Cell`] and the [`Figure::RowTotal`] of a one-way breakdown by
//! class), and repeat until the set
//! stops growing. Keep the union of all rounds rather than what the last
//! round hid, so the set only grows: a round that adds nothing is the last,
//! and there are at most as many rounds as shared figures, plus one. At
//! that point every table hides every forced figure, and every shared
//! figure any table hides is forced, so each shared figure is hidden in all
//! tables or in none. Publish only that last round: two patterns of the
//! same table, seen together, show what each hides.
//!
//! ```
//! use lookout_privacy::suppress::{Cell, Figure, Table, publish_hiding};
//!
//! let classes = vec!["phishing".into(), "malware".into(), "GNSS".into()];
//! let by_area = Table::new(
//!     classes.clone(),
//!     vec!["Baltic".into(), "North Sea".into(), "Med".into()],
//!     vec![vec![3, 0, 0], vec![6, 10, 14], vec![12, 8, 7]],
//! )?;
//! let by_type = Table::new(
//!     classes,
//!     vec!["tanker".into(), "bulk".into()],
//!     vec![vec![1, 2], vec![15, 15], vec![20, 7]],
//! )?;
//! let mut forced: Vec<Figure> = Vec::new();
//! let (area, kind) = loop {
//!     let area = publish_hiding(&by_area, 5, &forced);
//!     let kind = publish_hiding(&by_type, 5, &forced);
//!     let before = forced.len();
//!     for f in area.hidden_figures().into_iter().chain(kind.hidden_figures()) {
//!         // The shared figures: the class totals and the grand total.
//!         let shared = matches!(f, Figure::RowTotal(_) | Figure::Total);
//!         if shared && !forced.contains(&f) {
//!             forced.push(f);
//!         }
//!     }
//!     if forced.len() == before {
//!         break (area, kind);
//!     }
//! };
//! // Alone, the first table hides the malware total (30) as a complement
//! // and the second shows it; together that would give away the 6 and
//! // then the 3. Linked, both hide it, and both protect it.
//! assert_eq!(area.row_totals(), kind.row_totals());
//! assert_eq!(area.row_totals()[1], Cell::Suppressed);
//! # Ok::<(), lookout_privacy::Error>(())
//! ```
//!
//! **Why forcing more is safe.** Fix a table's true counts `v` and what a
//! reader knows of each figure besides the sums: a lower bound `l(e)` (1
//! where the figure is known to be non-zero, else 0) and nothing above.
//! Publishing it with the set `H` of figures hidden leaves the reader the
//! set `F(H)` of grids `x` of whole numbers with `x(e) = v(e)` for every
//! shown `e`, `x(e) >= l(e)` for every hidden `e`, and every line adding
//! up to its total; a hidden figure is pinned when it has the same value
//! throughout `F(H)`. If `H ⊆ H'`, every condition that defines `F(H')` is
//! one of those that define `F(H)` (a figure hidden in both has the same
//! bound; one shown in `H` and hidden in `H'` trades an equality for a
//! bound it already met), so `F(H) ⊆ F(H')`, and a figure with two possible
//! values under `H` keeps them under `H'`. The same holds for several
//! tables read together, whose set is defined the same way. So forcing a
//! table to hide a shared figure never helps a reader to pin any other
//! figure; what it does need is protection for the forced figure itself
//! (alone in a line it is the total minus the rest), and that is what the
//! complements are for. This needs `l` not to depend on `H`, which is why
//! the audit takes it from the real counts and not from the pattern.
//!
//! What this does **not** cover:
//!
//! - **The tables read as one system.** Each table is audited on its own
//!   sums; a reader who combines them gets more, because a shared hidden
//!   figure then has to move the same way in every table at once. In
//!   classes by sea area and by vessel type, a cycle that moves a hidden
//!   cell in the first changes some class totals; if the second table can
//!   only follow with a change to other class totals, the cell is pinned.
//!   On the property tests' random pairs (small sparse tables linked over
//!   their row totals), about one pair in 400 that hid anything had a
//!   figure pinned this way (0.15 % of the hidden figures); the test
//!   `linked_tables_are_audited_one_at_a_time` shows one. Two tables
//!   sharing one margin still form a flow network (each shared total
//!   becomes an edge between the two tables' cells), so an exact joint
//!   audit for such pairs is possible; it is not implemented. Three or
//!   more tables sharing a margin, or chains of shared margins, are no
//!   longer a network.
//! - **Figures that are related but not equal**: a class table and one by
//!   class group (whose totals are sums of class totals), nested
//!   categories, or a table whose rows are a subset of another's. Only
//!   figures that are the same count can be forced, and a sum across
//!   tables is not audited.
//! - **Filtered views.** [`publish_filtered`] takes no forced figures, and
//!   it protects a filtered view against `publish(unfiltered, k)`. If the
//!   unfiltered table is published linked, with forced figures, its pattern
//!   is a different one (and may hide zeros, which the filtered view's
//!   difference audit takes to be non-zero), so that pair is not audited.
//! - Everything listed under [Filtered views](#filtered-views) as not
//!   protected (reasoning about the algorithm, protection intervals,
//!   knowledge outside the counts) applies here too.
//!
//! Cost: each hidden figure is checked once (a graph search over the
//! table's rows and columns) and each cover is a shortest path. In a debug
//! build a 20 × 52 table (classes by week) takes about 10 ms to publish and
//! 50 ms as a filtered view; 40 × 52, about 30 ms and 250 ms. Linked tables
//! cost one [`publish_hiding`] per table per round.

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

    /// One figure, if it is in the table.
    #[must_use]
    pub fn figure(&self, figure: Figure) -> Option<u64> {
        match figure {
            Figure::Cell(i, j) => self.count(i, j),
            Figure::RowTotal(i) => self.row_totals.get(i).copied(),
            Figure::ColTotal(j) => self.col_totals.get(j).copied(),
            Figure::Total => Some(self.total),
        }
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

/// One figure of a table: a cell or a total. Rows and columns count from 0,
/// as in [`Table::count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Figure {
    /// The cell in a row and a column.
    Cell(usize, usize),
    /// A row's total.
    RowTotal(usize),
    /// A column's total.
    ColTotal(usize),
    /// The grand total.
    Total,
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

    /// One figure as published, if it is in the table.
    #[must_use]
    pub fn figure(&self, figure: Figure) -> Option<Cell> {
        match figure {
            Figure::Cell(i, j) => self.cell(i, j),
            Figure::RowTotal(i) => self.row_totals.get(i).copied(),
            Figure::ColTotal(j) => self.col_totals.get(j).copied(),
            Figure::Total => Some(self.total),
        }
    }

    /// Every suppressed figure, row by row (each row's cells, then its
    /// total), then the column totals, then the grand total: what a
    /// linked table must hide as well where it shares the figure (see
    /// [Linked tables](self#linked-tables)).
    #[must_use]
    pub fn hidden_figures(&self) -> Vec<Figure> {
        let (rows, cols) = (self.rows.len(), self.cols.len());
        (0..(rows + 1) * (cols + 1))
            .map(|e| figure_at(rows, cols, e))
            .filter(|&f| self.figure(f).is_some_and(Cell::is_suppressed))
            .collect()
    }
}

/// Publishes `table` with threshold `k` (see the [module](self) docs for
/// the rules).
#[must_use]
pub fn publish(table: &Table, k: u64) -> Published {
    publish_hiding(table, k, &[])
}

/// Like [`publish`], but the figures in `also_hide` are hidden whatever
/// their count (because another published table hides the same figure),
/// with complementary suppression so that none of them, and no other
/// hidden figure, can be computed from what is shown (see
/// [Linked tables](self#linked-tables)).
///
/// Figures outside the table (a row or column it does not have) are
/// ignored, as are repeats: a linked table may be longer than this one.
/// `publish_hiding(table, k, &[])` is `publish(table, k)`.
#[must_use]
pub fn publish_hiding(table: &Table, k: u64, also_hide: &[Figure]) -> Published {
    let grid = Grid::new(table);
    let forced: Vec<usize> = also_hide
        .iter()
        .filter_map(|&f| figure_index(grid.rows, grid.cols, f))
        .collect();
    Published::new(table, &hidden(&grid, k, &forced))
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
    let u_hidden = hidden(&u, k, &[]);
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

/// The suppression pattern [`publish_hiding`] uses, entry by entry of the
/// grid, with the entries `forced` hidden from the start; everything
/// hidden when [`settled`] finds no pattern.
fn hidden(grid: &Grid, k: u64, forced: &[usize]) -> Vec<bool> {
    settled(grid, k, forced).unwrap_or_else(|| vec![true; grid.len()])
}

/// Primary and forced suppression, then complements until nothing hidden
/// is pinned. `None` only for a table with no rows or no columns whose
/// forced figures then have no cycle to lie on: with a cell, every entry
/// lies on the cycle through a cell and its row, column and grand totals,
/// which may all move up (nothing is bounded above), and every entry may
/// be hidden, so a cover always exists.
fn settled(grid: &Grid, k: u64, forced: &[usize]) -> Option<Vec<bool>> {
    let mut hide: Vec<bool> = grid.value.iter().map(|&v| small(v, k)).collect();
    for &e in forced {
        if let Some(h) = hide.get_mut(e) {
            *h = true;
        }
    }
    let system = System {
        grid,
        // The truth's zero pattern: a reader is credited with knowing
        // which hidden figures are non-zero, which is at least what any
        // reader can know (rule 2 for a lone table; with forced zeros,
        // fewer hidden figures are known to be non-zero, never more).
        bounds: grid
            .value
            .iter()
            .map(|&v| Bounds::new(v.min(1), None))
            .collect(),
        always_hidden: vec![false; grid.len()],
        // Zeros too: a forced zero can only move up, and in a line of
        // zeros only through the zeros around it. The cost puts zeros
        // last, and where nothing forced is zero a cover without one
        // always exists (a non-zero figure's row, column and grand totals
        // are non-zero), so `publish` never hides a zero.
        can_hide: vec![true; grid.len()],
    };
    // Readers value the grand total most ("how many this year?"): it is a
    // complement only when no cover without it exists. Both attempts are
    // audited alike, so this changes which figures are hidden, not whether
    // the result is safe.
    // Nor does that first attempt hide zeros that are not forced, which
    // the full attempt would rather do than hide the total.
    let mut can_hide: Vec<bool> = grid
        .value
        .iter()
        .zip(&hide)
        .map(|(&v, &hidden)| v > 0 || hidden)
        .collect();
    if let Some(total) = can_hide.last_mut() {
        *total = hide.last().copied().unwrap_or(false);
    }
    let sparing = System {
        can_hide,
        bounds: system.bounds.clone(),
        always_hidden: system.always_hidden.clone(),
        grid,
    };
    let mut first = hide.clone();
    if settle(&[sparing], &mut first, &grid.value) {
        return Some(first);
    }
    settle(&[system], &mut hide, &grid.value).then_some(hide)
}

/// The grid entry of `figure` in a `rows` × `cols` table, if it has one.
fn figure_index(rows: usize, cols: usize, figure: Figure) -> Option<usize> {
    let width = cols + 1;
    match figure {
        Figure::Cell(i, j) if i < rows && j < cols => Some(i * width + j),
        Figure::RowTotal(i) if i < rows => Some(i * width + cols),
        Figure::ColTotal(j) if j < cols => Some(rows * width + j),
        Figure::Total => Some(rows * width + cols),
        _ => None,
    }
}

/// The figure at grid entry `e` of a `rows` × `cols` table.
fn figure_at(rows: usize, cols: usize, e: usize) -> Figure {
    let (i, j) = (e / (cols + 1), e % (cols + 1));
    match (i < rows, j < cols) {
        (true, true) => Figure::Cell(i, j),
        (true, false) => Figure::RowTotal(i),
        (false, true) => Figure::ColTotal(j),
        (false, false) => Figure::Total,
    }
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

    #[test]
    fn figures_and_entries_correspond() {
        for (rows, cols) in [(0, 0), (0, 3), (2, 0), (1, 1), (3, 4)] {
            for e in 0..(rows + 1) * (cols + 1) {
                assert_eq!(figure_index(rows, cols, figure_at(rows, cols, e)), Some(e));
            }
        }
        assert_eq!(figure_index(2, 3, Figure::Cell(2, 0)), None);
        assert_eq!(figure_index(2, 3, Figure::ColTotal(3)), None);
        assert_eq!(figure_index(0, 3, Figure::RowTotal(0)), None);
        assert_eq!(figure_index(2, 3, Figure::Total), Some(11));
    }

    #[test]
    fn forced_figures_never_need_the_fallback() {
        // A small xorshift: the point is many shapes and forced sets,
        // zeros and whole lines of them included, not any one of them.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..3000 {
            let (rows, cols) = (1 + next(5) as usize, 1 + next(5) as usize);
            let counts: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| match next(4) {
                            0 | 1 => 0,
                            2 => next(6),
                            _ => next(40),
                        })
                        .collect()
                })
                .collect();
            let t = table(&counts.iter().map(Vec::as_slice).collect::<Vec<_>>());
            let g = Grid::new(&t);
            let forced: Vec<usize> = (0..next(6))
                .map(|_| next(g.len() as u64) as usize)
                .collect();
            let k = 1 + next(8);
            assert!(
                settled(&g, k, &forced).is_some(),
                "{counts:?} forced {forced:?} k {k}"
            );
        }
    }
}
