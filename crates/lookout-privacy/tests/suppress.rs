//! Small-cell suppression: worked examples, then property tests that attack
//! the published tables.
//!
//! The attacker sees only published figures. It knows that every line of the
//! table adds up to its total (the totals row and column to the grand
//! total), that counts are whole and non-negative, and what else the views
//! give away: in a lone published table zeros are always shown, so a hidden
//! figure is at least 1; a filtered figure is at most the unfiltered one
//! where that is shown. Against tables with forced figures (linked tables),
//! where a hidden figure may be 0, it is credited with knowing which hidden
//! figures are non-zero: more than a reader is told, so a figure it cannot
//! pin, a reader who allows zeros cannot pin either. For each hidden figure
//! it first narrows every range by interval propagation over the sums to a
//! fixed point, then searches exhaustively (branch and bound, with the same
//! propagation at every node) for a filling of all hidden figures that fits
//! everything it knows and gives that figure a value other than the true
//! one. Found: the figure is not pinned. Search space exhausted: it is
//! pinned, and the test fails. Budget exceeded: the propagated range
//! decides, and the case counts as inconclusive (the tests require those to
//! be rare and print how many there were).

use std::cell::RefCell;
use std::fmt::Write as _;

use lookout_privacy::Error;
use lookout_privacy::suppress::{
    Cell, DEFAULT_K, Figure, Published, Table, publish, publish_filtered, publish_hiding,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn labels(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn table(counts: &[Vec<u64>]) -> Table {
    let cols = counts.first().map_or(0, Vec::len);
    Table::new(
        labels("r", counts.len()),
        labels("c", cols),
        counts.to_vec(),
    )
    .unwrap()
}

/// The published table as rows of text, `■` for suppressed, totals last.
fn render(p: &Published) -> String {
    let fmt = |c: &Cell| c.value().map_or("■".to_owned(), |v| v.to_string());
    let mut out = String::new();
    for (row, total) in p.cells().iter().zip(p.row_totals()) {
        let cells: Vec<String> = row.iter().map(fmt).collect();
        writeln!(out, "{} | {}", cells.join(" "), fmt(total)).unwrap();
    }
    let cols: Vec<String> = p.col_totals().iter().map(fmt).collect();
    writeln!(out, "{} | {}", cols.join(" "), fmt(&p.total())).unwrap();
    out
}

/// Which figures are suppressed, as text in the same layout as [`render`].
fn pattern(p: &Published) -> String {
    render(p)
        .lines()
        .map(|l| {
            l.split(' ')
                .map(|w| match w {
                    "■" => "#",
                    "|" => "|",
                    _ => ".",
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ----------------------------------------------------------------------
// Worked examples
// ----------------------------------------------------------------------

#[test]
fn one_small_cell_takes_a_rectangle_with_it() {
    let t = table(&[vec![2, 10, 12], vec![8, 15, 9], vec![7, 6, 20]]);
    let p = publish(&t, 5);
    // Hiding the 2 alone would leave it as row total minus the rest. The
    // cheapest cover is the rectangle through the next-smallest cells of
    // its row (10) and column (7) and the cell where they meet (6): every
    // line through a hidden cell now has two, and the four can all shift by
    // one (+1 -1 / -1 +1) without changing any total.
    assert_eq!(
        pattern(&p),
        "# # . | .\n\
         . . . | .\n\
         # # . | .\n\
         . . . | ."
    );
    assert_eq!(
        render(&p),
        "■ ■ 12 | 24\n\
         8 15 9 | 32\n\
         ■ ■ 20 | 33\n\
         17 31 41 | 89\n"
    );
}

#[test]
fn a_row_with_one_small_cell_hides_its_total() {
    let t = table(&[vec![3, 0, 0], vec![10, 8, 12], vec![9, 11, 7]]);
    let p = publish(&t, 5);
    // The row total is 3 as well, so it is hidden on its own account; the
    // zeros stay. The 3 still cannot hide alone in its column, and its row
    // has no other non-zero cell, so the cover goes through the row totals:
    // the 9 below it and its row's total 27 (3 + 9 and 3 + 27 can shift
    // against each other without moving the column total or the grand
    // total).
    assert_eq!(
        render(&p),
        "■ 0 0 | ■\n\
         10 8 12 | 30\n\
         ■ 11 7 | ■\n\
         22 19 19 | 60\n"
    );
}

#[test]
fn k_one_suppresses_nothing() {
    let t = table(&[vec![1, 0, 2], vec![0, 1, 1]]);
    let p = publish(&t, 1);
    assert_eq!(p.suppressed(), 0);
    assert_eq!(render(&p), "1 0 2 | 3\n0 1 1 | 2\n1 1 3 | 5\n");
    assert_eq!(publish(&t, 0).suppressed(), 0);
}

#[test]
fn counts_of_k_or_more_suppress_nothing() {
    let t = table(&[vec![5, 0, 17], vec![0, 0, 0], vec![6, 9, 5]]);
    let p = publish(&t, DEFAULT_K);
    assert_eq!(p.suppressed(), 0);
    assert_eq!(p.cell(0, 0), Some(Cell::Shown(5)));
    assert_eq!(p.row_totals()[1], Cell::Shown(0));
    assert_eq!(p.total(), Cell::Shown(42));
}

#[test]
fn two_small_cells_beside_a_large_one_take_it_with_them() {
    // 1, 1, 10 | 12: hiding the two 1s satisfies "never exactly one hidden
    // cell in a line", but zeros are shown, so a reader knows both hidden
    // cells are at least 1, and they add up to 2. The 10 goes too; the
    // totals of 12 stay.
    let t = table(&[vec![1, 1, 10]]);
    let p = publish(&t, 5);
    assert_eq!(render(&p), "■ ■ ■ | 12\n■ ■ ■ | 12\n");
}

#[test]
fn a_one_way_breakdown() {
    let t = Table::one_way(
        "reports",
        vec![
            "phishing".into(),
            "malware".into(),
            "GNSS".into(),
            "AIS".into(),
        ],
        vec![14, 3, 0, 9],
    )
    .unwrap();
    let p = publish(&t, 5);
    // The 3 needs a partner; the 9 is the smallest, the zero cannot serve.
    assert_eq!(
        p.cells(),
        &[
            vec![Cell::Shown(14)],
            vec![Cell::Suppressed],
            vec![Cell::Shown(0)],
            vec![Cell::Suppressed],
        ]
    );
    assert_eq!(p.total(), Cell::Shown(26));
}

#[test]
fn a_filtered_view_hides_what_subtraction_would_reveal() {
    let all = table(&[vec![20, 12, 30], vec![15, 18, 25]]);
    let baltic = table(&[vec![18, 12, 5], vec![15, 10, 0]]);
    assert_eq!(publish(&all, 5).suppressed(), 0);
    let p = publish_filtered(&baltic, &all, 5).unwrap();
    // 18 is not small, but 20 - 18 = 2 reports outside the Baltic would
    // be, and so would 35 - 33 for its column total. The 5 beside the 18
    // and the 5 of its column total are the cheapest cover: the four can
    // shift together (+1 -1 +1 -1) without moving any shown figure. The 0
    // stays (all 25 reports are outside, and 25 is not small).
    assert_eq!(
        render(&p),
        "■ 12 ■ | 35\n\
         15 10 0 | 25\n\
         ■ 22 ■ | 60\n"
    );
}

#[test]
fn a_filtered_zero_beside_a_small_count_is_hidden() {
    // "None of the 3 Baltic phishing reports are in this period" would
    // place all three.
    let all = table(&[vec![3, 40], vec![30, 50]]);
    let period = table(&[vec![0, 20], vec![10, 25]]);
    assert_eq!(
        render(&publish(&all, 5)),
        "■ ■ | 43\n■ ■ | 80\n33 90 | 123\n"
    );
    let p = publish_filtered(&period, &all, 5).unwrap();
    assert_eq!(render(&p), "■ ■ | 20\n■ ■ | 35\n10 45 | 55\n");
}

#[test]
fn a_zero_may_cover_a_hidden_zero() {
    // The difference rule hides the filtered 0 beside an unfiltered 1; its
    // column's total is 0 as well, which would give it away, so that zero
    // is hidden too (and with it a cycle back through the other column).
    let all = table(&[vec![0, 0, 1], vec![1, 9, 13]]);
    let filtered = table(&[vec![0, 0, 0], vec![1, 9, 0]]);
    let p = publish_filtered(&filtered, &all, 4).unwrap();
    assert_eq!(p.cell(0, 2), Some(Cell::Suppressed));
    assert_eq!(p.col_totals()[2], Cell::Suppressed);
}

#[test]
fn bad_tables_are_refused() {
    assert_eq!(
        Table::new(labels("r", 2), labels("c", 2), vec![vec![1, 2], vec![3]]),
        Err(Error::TableShape { rows: 2, cols: 2 })
    );
    assert_eq!(
        Table::new(labels("r", 1), labels("c", 2), vec![vec![u64::MAX, 1]]),
        Err(Error::CountOverflow)
    );
    let a = table(&[vec![1, 2]]);
    let b = Table::new(labels("x", 1), labels("c", 2), vec![vec![1, 2]]).unwrap();
    assert_eq!(publish_filtered(&a, &b, 5), Err(Error::FilterMismatch));
    assert_eq!(
        publish_filtered(&table(&[vec![3, 2]]), &a, 5),
        Err(Error::FilterExceeds {
            row: "r0".into(),
            col: "c0".into(),
            filtered: 3,
            unfiltered: 1,
        })
    );
}

#[test]
fn empty_tables_publish() {
    let t = Table::new(vec![], labels("c", 2), vec![]).unwrap();
    let p = publish(&t, 5);
    assert_eq!(p.col_totals(), &[Cell::Shown(0), Cell::Shown(0)]);
    assert_eq!(p.total(), Cell::Shown(0));
}

#[test]
fn serialises_as_numbers_and_nulls() {
    let p = publish(
        &table(&[vec![2, 10, 12], vec![8, 15, 9], vec![7, 6, 20]]),
        5,
    );
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["cells"][0], serde_json::json!([null, null, 12]));
    assert_eq!(json["total"], serde_json::json!(89));
}

// ----------------------------------------------------------------------
// Linked tables: worked examples
// ----------------------------------------------------------------------

/// The shared figures of two tables with the same rows: the row totals and
/// the grand total.
fn shared_margin(f: Figure) -> bool {
    matches!(f, Figure::RowTotal(_) | Figure::Total)
}

/// The caller's iteration (see the module docs): hide in both tables every
/// shared figure either hides, until nothing changes. Returns both
/// publications and the number of rounds.
fn publish_linked(a: &Table, b: &Table, k: u64) -> (Published, Published, usize) {
    let mut forced: Vec<Figure> = Vec::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let pa = publish_hiding(a, k, &forced);
        let pb = publish_hiding(b, k, &forced);
        let before = forced.len();
        for f in pa.hidden_figures().into_iter().chain(pb.hidden_figures()) {
            if shared_margin(f) && !forced.contains(&f) {
                forced.push(f);
            }
        }
        if forced.len() == before {
            return (pa, pb, rounds);
        }
    }
}

#[test]
fn a_forced_row_total_takes_a_complement() {
    // Nothing is small, but another table hides the first row's total. On
    // its own it would be the grand total minus the other row totals. The
    // cheapest cycle through it runs through the row's smallest cell, the
    // one below it and that row's total (10 + 9 + 40).
    let t = table(&[vec![10, 12, 15], vec![9, 20, 11], vec![14, 8, 30]]);
    let p = publish_hiding(&t, 5, &[Figure::RowTotal(0)]);
    assert_eq!(
        render(&p),
        "■ 12 15 | ■\n\
         ■ 20 11 | ■\n\
         14 8 30 | 52\n\
         33 40 56 | 129\n"
    );
    assert_eq!(
        p.hidden_figures(),
        vec![
            Figure::Cell(0, 0),
            Figure::RowTotal(0),
            Figure::Cell(1, 0),
            Figure::RowTotal(1),
        ]
    );
    assert_eq!(p.figure(Figure::RowTotal(0)), Some(Cell::Suppressed));
    assert_eq!(p.figure(Figure::ColTotal(0)), Some(Cell::Shown(33)));
}

#[test]
fn a_forced_zero_may_take_zeros_with_it() {
    // A hidden 0 can only be believed larger, and its row is all zeros: the
    // only way up is through its row's total, also 0, which is hidden too.
    // The other zero stays: nothing needs it.
    let t = table(&[vec![0, 0], vec![7, 9], vec![6, 20]]);
    let p = publish_hiding(&t, 5, &[Figure::Cell(0, 0)]);
    assert_eq!(
        render(&p),
        "■ 0 | ■\n\
         ■ 9 | ■\n\
         6 20 | 26\n\
         13 29 | 42\n"
    );
    // A reader who takes the hidden figures for non-zero gets the truth
    // wrong; one who allows zeros cannot pin the 0 (it may be up to 7).
    let truth = true_grid(&t);
    let shown = published_grid(&p);
    let ranges = (0..truth.len())
        .map(|e| shown[e].map_or((0, None), exact))
        .collect();
    let knowledge = Knowledge::new(3, 2, ranges);
    assert_eq!(knowledge.attack(0, 0), Verdict::Free);
}

#[test]
fn forcing_everything_hides_everything() {
    let t = table(&[vec![3, 0], vec![20, 9]]);
    let all: Vec<Figure> = (0..2)
        .flat_map(|i| (0..2).map(move |j| Figure::Cell(i, j)))
        .chain((0..2).flat_map(|i| [Figure::RowTotal(i), Figure::ColTotal(i)]))
        .chain([Figure::Total])
        .collect();
    let p = publish_hiding(&t, 5, &all);
    assert_eq!(p.suppressed(), 9);
    assert_eq!(p.hidden_figures().len(), 9);
}

#[test]
fn figures_outside_the_table_are_ignored() {
    let t = table(&[vec![2, 10, 12], vec![8, 15, 9], vec![7, 6, 20]]);
    let outside = [
        Figure::Cell(3, 0),
        Figure::Cell(0, 3),
        Figure::RowTotal(3),
        Figure::ColTotal(usize::MAX),
        Figure::Cell(usize::MAX, usize::MAX),
    ];
    assert_eq!(publish_hiding(&t, 5, &outside), publish(&t, 5));
    assert_eq!(publish(&t, 5).figure(Figure::RowTotal(3)), None);
    assert_eq!(t.figure(Figure::Cell(0, 3)), None);
    assert_eq!(t.figure(Figure::ColTotal(2)), Some(41));
    // Repeats change nothing either.
    assert_eq!(
        publish_hiding(&t, 5, &[Figure::Total, Figure::Total]),
        publish_hiding(&t, 5, &[Figure::Total])
    );
}

#[test]
fn a_forced_total_of_a_table_without_rows_withholds_it() {
    // With no rows the totals are 0 by construction: hiding them hides
    // nothing, and there is no cycle to hide them on. Everything is
    // withheld rather than a pinned figure published as hidden.
    let t = Table::new(vec![], labels("c", 2), vec![]).unwrap();
    let p = publish_hiding(&t, 5, &[Figure::Total]);
    assert_eq!(p.col_totals(), &[Cell::Suppressed, Cell::Suppressed]);
    assert_eq!(p.total(), Cell::Suppressed);
    // A forced zero with somewhere to go needs no such thing.
    let zeros = table(&[vec![0, 0], vec![0, 0]]);
    let p = publish_hiding(&zeros, 5, &[Figure::Total]);
    assert_eq!(p.suppressed(), 4);
    assert_eq!(p.total(), Cell::Suppressed);
}

#[test]
fn linked_tables_hide_their_shared_margins_alike() {
    // Classes by sea area and classes by vessel type: the same reports, so
    // the same class totals. On their own, the first hides the second
    // class's total (30) as a complement and the second shows it; next to
    // each other that 30 gives the 6 away (30 - 10 - 14), and then the 3
    // (21 - 6 - 12).
    let by_area = table(&[vec![3, 0, 0], vec![6, 10, 14], vec![12, 8, 7]]);
    let by_type = table(&[vec![1, 2], vec![15, 15], vec![20, 7]]);
    let (alone_a, alone_b) = (publish(&by_area, 5), publish(&by_type, 5));
    assert_eq!(alone_a.row_totals()[1], Cell::Suppressed);
    assert_eq!(alone_b.row_totals()[1], Cell::Shown(30));
    let mut ranges: Vec<Range> = published_grid(&alone_a)
        .iter()
        .map(|s| s.map_or((1, None), exact))
        .collect();
    ranges[7] = exact(30);
    assert_eq!(Knowledge::new(3, 3, ranges).attack(0, 3), Verdict::Pinned);

    // Linked: every class total is hidden in both, and each table has
    // complements for the ones it did not hide itself.
    let (a, b, rounds) = publish_linked(&by_area, &by_type, 5);
    assert_eq!(rounds, 2);
    assert_eq!(
        render(&a),
        "■ 0 0 | ■\n\
         ■ 10 14 | ■\n\
         ■ 8 7 | ■\n\
         21 18 21 | 60\n"
    );
    assert_eq!(
        render(&b),
        "■ ■ | ■\n\
         ■ 15 | ■\n\
         20 ■ | ■\n\
         36 24 | 60\n"
    );
}

// ----------------------------------------------------------------------
// The attacker
// ----------------------------------------------------------------------

/// A range a reader believes an entry lies in; `None` is unbounded above.
type Range = (i128, Option<i128>);

/// What a reader knows about a `(rows + 1) × (cols + 1)` grid (cells, row
/// totals in the last column, column totals in the last row): a range per
/// entry, exact for shown ones.
struct Knowledge {
    lines: Vec<(Vec<usize>, usize)>,
    ranges: Vec<Range>,
}

/// How the attacker fared against one hidden entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pinned,
    Free,
    /// Budget exceeded; propagation alone left more than one value.
    Inconclusive,
}

#[derive(Debug, Default)]
struct Stats {
    hidden: usize,
    inconclusive: usize,
}

const SWEEPS: usize = 400;
const BUDGET: u32 = 4_000;

impl Knowledge {
    fn new(rows: usize, cols: usize, ranges: Vec<Range>) -> Self {
        let w = cols + 1;
        let mut lines = Vec::new();
        for i in 0..=rows {
            lines.push(((0..cols).map(|j| i * w + j).collect(), i * w + cols));
        }
        for j in 0..=cols {
            lines.push(((0..rows).map(|i| i * w + j).collect(), rows * w + j));
        }
        Self { lines, ranges }
    }

    /// Interval propagation over the sums, to a fixed point (or a cap, which
    /// still leaves sound bounds). `false`: no filling fits.
    fn propagate(&self, b: &mut [Range]) -> bool {
        for _ in 0..SWEEPS {
            let mut changed = false;
            for (members, total) in &self.lines {
                let sum_lo: i128 = members.iter().map(|&m| b[m].0).sum();
                let fin_hi: i128 = members.iter().filter_map(|&m| b[m].1).sum();
                let inf = members.iter().filter(|&&m| b[m].1.is_none()).count();
                let t = *total;
                if sum_lo > b[t].0 {
                    b[t].0 = sum_lo;
                    changed = true;
                }
                if inf == 0 && b[t].1.is_none_or(|h| fin_hi < h) {
                    b[t].1 = Some(fin_hi);
                    changed = true;
                }
                for &m in members {
                    if let Some(th) = b[t].1 {
                        let cap = th - (sum_lo - b[m].0);
                        if b[m].1.is_none_or(|h| cap < h) {
                            b[m].1 = Some(cap);
                            changed = true;
                        }
                    }
                    let others_hi = match (inf, b[m].1) {
                        (0, Some(h)) => Some(fin_hi - h),
                        (1, None) => Some(fin_hi),
                        _ => None,
                    };
                    if let Some(oh) = others_hi {
                        let floor = b[t].0 - oh;
                        if floor > b[m].0 {
                            b[m].0 = floor;
                            changed = true;
                        }
                    }
                }
                if std::iter::once(t)
                    .chain(members.iter().copied())
                    .any(|x| b[x].1.is_some_and(|h| h < b[x].0))
                {
                    return false;
                }
            }
            if !changed {
                return true;
            }
        }
        true
    }

    /// Branch and bound: is there a filling within `b`? `None` if the
    /// budget ran out first.
    fn solve(&self, mut b: Vec<Range>, budget: &mut u32) -> Option<bool> {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        if !self.propagate(&mut b) {
            return Some(false);
        }
        let open = (0..b.len())
            .filter(|&x| b[x].1 != Some(b[x].0))
            .min_by_key(|&x| b[x].1.map_or(i128::MAX, |h| h - b[x].0));
        let Some(x) = open else {
            let holds = self.lines.iter().all(|(members, total)| {
                members.iter().map(|&m| b[m].0).sum::<i128>() == b[*total].0
            });
            return Some(holds);
        };
        let (lo, hi) = b[x];
        let mid = hi.map_or(2 * lo + 1, |h| lo + (h - lo) / 2);
        let mut left = b.clone();
        left[x].1 = Some(mid);
        let l = self.solve(left, budget);
        if l == Some(true) {
            return l;
        }
        b[x].0 = mid + 1;
        match self.solve(b, budget) {
            Some(true) => Some(true),
            Some(false) if l == Some(false) => Some(false),
            _ => None,
        }
    }

    /// Can hidden entry `e`, whose true value is `truth`, be pinned?
    fn attack(&self, e: usize, truth: i128) -> Verdict {
        let mut b = self.ranges.clone();
        assert!(
            self.propagate(&mut b),
            "the truth does not fit what the reader knows"
        );
        let (lo, hi) = b[e];
        if hi == Some(lo) {
            return Verdict::Pinned;
        }
        let mut budget = BUDGET;
        let mut below = b.clone();
        below[e].1 = Some(truth - 1);
        let below = if truth > lo {
            self.solve(below, &mut budget)
        } else {
            Some(false)
        };
        if below == Some(true) {
            return Verdict::Free;
        }
        let mut above = b;
        above[e].0 = truth + 1;
        match self.solve(above, &mut budget) {
            Some(true) => Verdict::Free,
            Some(false) if below == Some(false) => Verdict::Pinned,
            _ => Verdict::Inconclusive,
        }
    }
}

/// Grid layout of a published table: `Some(v)` shown, `None` suppressed.
fn published_grid(p: &Published) -> Vec<Option<u64>> {
    let mut out = Vec::new();
    for (row, total) in p.cells().iter().zip(p.row_totals()) {
        out.extend(row.iter().map(|c| c.value()));
        out.push(total.value());
    }
    out.extend(p.col_totals().iter().map(|c| c.value()));
    out.push(p.total().value());
    out
}

fn true_grid(t: &Table) -> Vec<u64> {
    let mut out = Vec::new();
    for (row, total) in t.counts().iter().zip(t.row_totals()) {
        out.extend(row);
        out.push(*total);
    }
    out.extend(t.col_totals());
    out.push(t.total());
    out
}

fn exact(v: u64) -> Range {
    (i128::from(v), Some(i128::from(v)))
}

/// Attacks every hidden entry that `protect` selects.
fn attack_all(
    knowledge: &Knowledge,
    truth: &[u64],
    protect: impl Fn(usize) -> bool,
    stats: &RefCell<Stats>,
    what: &str,
    shown: &str,
) -> Result<(), TestCaseError> {
    for e in (0..truth.len()).filter(|&e| protect(e)) {
        let verdict = knowledge.attack(e, i128::from(truth[e]));
        let mut s = stats.borrow_mut();
        s.hidden += 1;
        if verdict == Verdict::Inconclusive {
            s.inconclusive += 1;
        }
        prop_assert!(
            verdict != Verdict::Pinned,
            "{what}: entry {e} (true value {}) is pinned in\n{shown}",
            truth[e]
        );
    }
    Ok(())
}

#[test]
fn the_attacker_pins_what_it_should() {
    let hidden = |lo| (lo, None);
    // 2, 5 | 7 with the 2 (and its column total) hidden: 7 - 5.
    let lone = Knowledge::new(
        1,
        2,
        vec![hidden(0), exact(5), exact(7), hidden(0), exact(5), exact(7)],
    );
    assert_eq!(lone.attack(0, 2), Verdict::Pinned);
    // 1, 1, 10 | 12 with the 1s hidden: free if they may be zero, pinned
    // once the reader knows they are not.
    let ones = |lo| {
        Knowledge::new(
            1,
            3,
            vec![
                hidden(lo),
                hidden(lo),
                exact(10),
                exact(12),
                hidden(lo),
                hidden(lo),
                exact(10),
                exact(12),
            ],
        )
    };
    assert_eq!(ones(0).attack(0, 1), Verdict::Free);
    assert_eq!(ones(1).attack(0, 1), Verdict::Pinned);
    // The published rectangle of the first example.
    let t = table(&[vec![2, 10, 12], vec![8, 15, 9], vec![7, 6, 20]]);
    let p = publish(&t, 5);
    let ranges = published_grid(&p)
        .iter()
        .map(|s| s.map_or(hidden(1), exact))
        .collect();
    let rect = Knowledge::new(3, 3, ranges);
    for (e, truth) in [(0, 2), (1, 10), (8, 7), (9, 6)] {
        assert_eq!(rect.attack(e, truth), Verdict::Free);
    }
}

/// A reader of two tables with the same rows who solves them as one
/// system: the first table's grid, then the second's cells and column
/// totals (its row totals and grand total are the first's). Returns what
/// it knows, the true values and which entries are hidden.
fn joint_reader(
    a: &Table,
    pa: &Published,
    b: &Table,
    pb: &Published,
) -> (Knowledge, Vec<u64>, Vec<bool>) {
    let (rows, cols_a, cols_b) = (a.rows().len(), a.cols().len(), b.cols().len());
    let (truth_a, truth_b) = (true_grid(a), true_grid(b));
    let (shown_a, shown_b) = (published_grid(pa), published_grid(pb));
    let first = truth_a.len();
    let entry = |i: usize, l: usize| {
        if l < cols_b {
            first + i * cols_b + l
        } else {
            i * (cols_a + 1) + cols_a
        }
    };
    let mut truth = truth_a;
    let mut shown = shown_a;
    for i in 0..=rows {
        for l in 0..cols_b {
            truth.push(truth_b[i * (cols_b + 1) + l]);
            shown.push(shown_b[i * (cols_b + 1) + l]);
        }
    }
    let mut knowledge = Knowledge::new(rows, cols_a, Vec::new());
    for i in 0..=rows {
        let members = (0..cols_b).map(|l| entry(i, l)).collect();
        knowledge.lines.push((members, entry(i, cols_b)));
    }
    for l in 0..=cols_b {
        let members = (0..rows).map(|i| entry(i, l)).collect();
        knowledge.lines.push((members, entry(rows, l)));
    }
    knowledge.ranges = shown
        .iter()
        .zip(&truth)
        .map(|(s, &v)| s.map_or((i128::from(v.min(1)), None), exact))
        .collect();
    let hidden = shown.iter().map(Option::is_none).collect();
    (knowledge, truth, hidden)
}

#[test]
fn linked_tables_are_audited_one_at_a_time() {
    // The documented limit. Each table protects its hidden figures from
    // its own sums, but read together the shared row totals must move
    // alike in both. Call A's hidden cells a10, a11 (in row 1) and a30. B's
    // first column says its hidden cells in rows 1 and 3 make 29 - 14 - 8
    // = 7; they are row 1's total and row 3's total less 35, that is
    // (a10 + a11) + (a30 + 37 - 35), so a10 + a11 + a30 = 5. A's first
    // column says a10 + a30 = 27 - 14 - 9 = 4. So a11 is 1.
    let a = table(&[vec![14, 3, 0], vec![1, 1, 0], vec![9, 2, 0], vec![3, 0, 37]]);
    let b = table(&[vec![14, 3], vec![2, 0], vec![8, 3], vec![5, 35]]);
    let (pa, pb, _) = publish_linked(&a, &b, 5);
    assert_eq!(
        render(&pa),
        "14 ■ 0 | ■\n\
         ■ ■ 0 | ■\n\
         9 ■ 0 | ■\n\
         ■ 0 37 | ■\n\
         27 6 37 | 70\n"
    );
    assert_eq!(
        render(&pb),
        "14 ■ | ■\n\
         ■ 0 | ■\n\
         8 ■ | ■\n\
         ■ 35 | ■\n\
         29 41 | 70\n"
    );
    assert_eq!(reader_of(&a, &pa).attack(5, 1), Verdict::Free);
    let (joint, truth, _) = joint_reader(&a, &pa, &b, &pb);
    assert_eq!(truth[5], 1);
    assert_eq!(joint.attack(5, 1), Verdict::Pinned);
}

// ----------------------------------------------------------------------
// Properties
// ----------------------------------------------------------------------

fn count() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![6 => 0u64..12, 1 => 12u64..400]
}

/// Filtered counts: a filter keeps few reports, so more zeros.
fn filtered_count() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![3 => Just(0u64), 6 => 0u64..12, 1 => 12u64..200]
}

fn threshold() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(DEFAULT_K), 2 => 1u64..=8]
}

fn counts(cell: impl Strategy<Value = u64> + Clone) -> impl Strategy<Value = Vec<Vec<u64>>> {
    (1usize..=6, 1usize..=6).prop_flat_map(move |(r, c)| {
        proptest::collection::vec(proptest::collection::vec(cell.clone(), c), r)
    })
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    })
}

fn report(name: &str, stats: &RefCell<Stats>) {
    let s = stats.borrow();
    eprintln!(
        "{name}: {} hidden figures attacked, {} inconclusive",
        s.hidden, s.inconclusive
    );
    assert!(
        s.inconclusive * 100 <= s.hidden,
        "the exact search gave up too often: {s:?}"
    );
}

#[test]
fn publish_shows_the_truth_and_hides_small_cells() {
    runner()
        .run(&(counts(count()), threshold()), |(counts, k)| {
            let t = table(&counts);
            let p = publish(&t, k);
            for (e, (&v, shown)) in true_grid(&t).iter().zip(published_grid(&p)).enumerate() {
                if let Some(s) = shown {
                    prop_assert_eq!(s, v, "entry {} misreported", e);
                }
                if v > 0 && v < k {
                    prop_assert!(shown.is_none(), "small entry {} ({}) shown", e, v);
                }
            }
            if k <= 1 {
                prop_assert_eq!(p.suppressed(), 0);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn publish_resists_recovery() {
    let stats = RefCell::new(Stats::default());
    runner()
        .run(&(counts(count()), threshold()), |(counts, k)| {
            let t = table(&counts);
            let p = publish(&t, k);
            let truth = true_grid(&t);
            let shown = published_grid(&p);
            // Zeros are always shown, so a hidden figure is at least 1.
            let ranges = shown.iter().map(|s| s.map_or((1, None), exact)).collect();
            let knowledge = Knowledge::new(t.rows().len(), t.cols().len(), ranges);
            attack_all(
                &knowledge,
                &truth,
                |e| shown[e].is_none(),
                &stats,
                "publish",
                &render(&p),
            )
        })
        .unwrap();
    report("publish", &stats);
}

#[test]
fn publish_filtered_resists_subtraction_and_recovery() {
    let stats = RefCell::new(Stats::default());
    let strategy = (counts(filtered_count()), threshold()).prop_flat_map(|(f, k)| {
        let (r, c) = (f.len(), f[0].len());
        let outside = proptest::collection::vec(proptest::collection::vec(count(), c), r);
        (Just(f), outside, Just(k))
    });
    runner()
        .run(&strategy, |(f_counts, outside, k)| {
            let u_counts: Vec<Vec<u64>> = f_counts
                .iter()
                .zip(&outside)
                .map(|(f, o)| f.iter().zip(o).map(|(a, b)| a + b).collect())
                .collect();
            let (f, u) = (table(&f_counts), table(&u_counts));
            let pf = publish_filtered(&f, &u, k).unwrap();
            let pu = publish(&u, k);
            let (f_true, u_true) = (true_grid(&f), true_grid(&u));
            let (f_shown, u_shown) = (published_grid(&pf), published_grid(&pu));
            let shown = format!("filtered:\n{}unfiltered:\n{}", render(&pf), render(&pu));

            for e in 0..f_true.len() {
                let (fv, uv) = (f_true[e], u_true[e]);
                if let Some(s) = f_shown[e] {
                    prop_assert_eq!(s, fv, "entry {} misreported", e);
                }
                if fv > 0 && fv < k {
                    prop_assert!(f_shown[e].is_none(), "small entry {} shown\n{}", e, shown);
                }
                // Stronger than "when both are shown": the difference rule
                // holds whether or not the unfiltered figure is.
                let d = uv - fv;
                if d > 0 && d < k {
                    prop_assert!(
                        f_shown[e].is_none(),
                        "difference {} at {} shown\n{}",
                        d,
                        e,
                        shown
                    );
                }
                if let (Some(a), Some(b)) = (f_shown[e], u_shown[e]) {
                    prop_assert!(
                        b - a == 0 || b - a >= k,
                        "{} - {} at {}\n{}",
                        b,
                        a,
                        e,
                        shown
                    );
                }
            }

            let (rows, cols) = (f.rows().len(), f.cols().len());
            // The filtered table alone, plus what the unfiltered view says
            // of it: at most the unfiltered figure where that is shown. (A
            // filtered view may hide zeros, so hidden is not non-zero.)
            let f_ranges = (0..f_true.len())
                .map(|e| match (f_shown[e], u_shown[e]) {
                    (Some(v), _) => exact(v),
                    (None, Some(u)) => (0, Some(i128::from(u))),
                    (None, None) => (0, None),
                })
                .collect();
            attack_all(
                &Knowledge::new(rows, cols, f_ranges),
                &f_true,
                |e| f_shown[e].is_none(),
                &stats,
                "filtered table",
                &shown,
            )?;

            // The difference table (reports outside the filter), known where
            // both views show a figure.
            let d_true: Vec<u64> = u_true.iter().zip(&f_true).map(|(u, f)| u - f).collect();
            let d_ranges = (0..d_true.len())
                .map(|e| match (f_shown[e], u_shown[e]) {
                    (Some(f), Some(u)) => exact(u - f),
                    (None, Some(u)) => (0, Some(i128::from(u))),
                    // A hidden unfiltered figure is non-zero.
                    (Some(0), None) => (1, None),
                    _ => (0, None),
                })
                .collect();
            attack_all(
                &Knowledge::new(rows, cols, d_ranges),
                &d_true,
                |e| f_shown[e].is_none() || u_shown[e].is_none(),
                &stats,
                "difference table",
                &shown,
            )?;
            Ok(())
        })
        .unwrap();
    report("publish_filtered", &stats);
}

/// Any figure of a table up to 7 × 7: some fall outside the (up to 6 × 6)
/// tables they are forced on.
fn figure() -> impl Strategy<Value = Figure> {
    prop_oneof![
        4 => (0usize..7, 0usize..7).prop_map(|(i, j)| Figure::Cell(i, j)),
        2 => (0usize..7).prop_map(Figure::RowTotal),
        2 => (0usize..7).prop_map(Figure::ColTotal),
        1 => Just(Figure::Total),
    ]
}

/// Every figure of a `rows` × `cols` table, in grid order.
fn figures(rows: usize, cols: usize) -> Vec<Figure> {
    let mut out = Vec::new();
    for i in 0..=rows {
        for j in 0..=cols {
            out.push(match (i < rows, j < cols) {
                (true, true) => Figure::Cell(i, j),
                (true, false) => Figure::RowTotal(i),
                (false, true) => Figure::ColTotal(j),
                (false, false) => Figure::Total,
            });
        }
    }
    out
}

/// What a reader may know of a table published with forced figures: the
/// shown figures, and which hidden figures are non-zero. That is more than
/// a reader is told (a forced figure, or a complement beside a forced
/// zero, may be 0), so whatever resists this resists a reader who allows
/// every hidden figure to be 0.
fn reader_of(t: &Table, p: &Published) -> Knowledge {
    let truth = true_grid(t);
    let ranges = published_grid(p)
        .iter()
        .zip(&truth)
        .map(|(s, &v)| s.map_or((i128::from(v.min(1)), None), exact))
        .collect();
    Knowledge::new(t.rows().len(), t.cols().len(), ranges)
}

#[test]
fn publish_hiding_hides_what_it_must_and_resists_recovery() {
    let stats = RefCell::new(Stats::default());
    // Sparse tables often, so that forced zeros (and lines of them) are
    // common.
    let tables = prop_oneof![1 => counts(count()), 2 => counts(filtered_count())];
    let forced = proptest::collection::vec(figure(), 0..6);
    runner()
        .run(&(tables, threshold(), forced), |(counts, k, forced)| {
            let t = table(&counts);
            let p = publish_hiding(&t, k, &forced);
            let truth = true_grid(&t);
            let shown = published_grid(&p);
            let all = figures(t.rows().len(), t.cols().len());
            let forced_zero = forced.iter().any(|&f| t.figure(f) == Some(0));
            for (e, (&v, s)) in truth.iter().zip(&shown).enumerate() {
                if let Some(s) = *s {
                    prop_assert_eq!(s, v, "entry {} misreported", e);
                }
                if v > 0 && v < k {
                    prop_assert!(s.is_none(), "small entry {} ({}) shown", e, v);
                }
                if forced.contains(&all[e]) {
                    prop_assert!(s.is_none(), "forced entry {} shown\n{}", e, render(&p));
                }
                if v == 0 && s.is_none() {
                    prop_assert!(
                        forced_zero,
                        "zero {} hidden, none forced\n{}",
                        e,
                        render(&p)
                    );
                }
            }
            prop_assert_eq!(
                p.hidden_figures(),
                all.iter()
                    .zip(&shown)
                    .filter(|(_, s)| s.is_none())
                    .map(|(&f, _)| f)
                    .collect::<Vec<_>>()
            );
            prop_assert_eq!(publish_hiding(&t, k, &[]), publish(&t, k));
            attack_all(
                &reader_of(&t, &p),
                &truth,
                |e| shown[e].is_none(),
                &stats,
                "publish_hiding",
                &format!("forced {forced:?}\n{}", render(&p)),
            )
        })
        .unwrap();
    report("publish_hiding", &stats);
}

/// Two tables over the same reports, `rows` × `a` and `rows` × `b`: the
/// reports' cross-classification, summed both ways.
fn linked_counts() -> impl Strategy<Value = (Vec<Vec<u64>>, Vec<Vec<u64>>)> {
    let reports = prop_oneof![4 => Just(0u64), 4 => 0u64..4, 1 => 4u64..40];
    (1usize..=5, 1usize..=4, 1usize..=4).prop_flat_map(move |(rows, a, b)| {
        proptest::collection::vec(
            proptest::collection::vec(proptest::collection::vec(reports.clone(), b), a),
            rows,
        )
        .prop_map(|cube| {
            let by_a = cube
                .iter()
                .map(|row| row.iter().map(|cell| cell.iter().sum()).collect())
                .collect();
            let by_b = cube
                .iter()
                .map(|row| {
                    (0..row[0].len())
                        .map(|l| row.iter().map(|cell| cell[l]).sum())
                        .collect()
                })
                .collect();
            (by_a, by_b)
        })
    })
}

#[test]
fn linked_tables_agree_on_shared_margins_and_resist_recovery() {
    let stats = RefCell::new(Stats::default());
    runner()
        .run(
            &(linked_counts(), threshold()),
            |((a_counts, b_counts), k)| {
                let (a, b) = (table(&a_counts), table(&b_counts));
                prop_assert_eq!(a.row_totals(), b.row_totals());
                let (pa, pb, rounds) = publish_linked(&a, &b, k);
                let shown = format!("A:\n{}B:\n{}", render(&pa), render(&pb));
                // The forced set only grows, by at least one shared figure a
                // round, until the last.
                prop_assert!(rounds <= a.rows().len() + 2, "{} rounds", rounds);
                for i in 0..a.rows().len() {
                    prop_assert_eq!(
                        pa.row_totals()[i],
                        pb.row_totals()[i],
                        "row total {} differs\n{}",
                        i,
                        shown
                    );
                }
                prop_assert_eq!(pa.total(), pb.total());
                // Linked, no zero is ever forced, so none is ever hidden.
                for (t, p) in [(&a, &pa), (&b, &pb)] {
                    let truth = true_grid(t);
                    let grid = published_grid(p);
                    for (e, (&v, s)) in truth.iter().zip(&grid).enumerate() {
                        if v == 0 {
                            prop_assert!(s.is_some(), "zero {} hidden\n{}", e, shown);
                        } else if v < k {
                            prop_assert!(s.is_none(), "small entry {} shown\n{}", e, shown);
                        }
                    }
                    // Each table on its own; a shared figure is known exactly
                    // where shown, and it is shown in both or neither.
                    attack_all(
                        &reader_of(t, p),
                        &truth,
                        |e| grid[e].is_none(),
                        &stats,
                        "linked table",
                        &shown,
                    )?;
                }
                Ok(())
            },
        )
        .unwrap();
    report("linked tables", &stats);
}

#[test]
fn the_grand_total_is_hidden_only_when_nothing_else_protects() {
    // Classes by family: each class in one family. Hiding the year's total
    // would protect the 2 most cheaply, but readers value it most; the
    // other family's figures protect it as well.
    let t = table(&[vec![2, 0], vec![0, 21]]);
    let out = publish(&t, DEFAULT_K);
    assert_eq!(out.total(), Cell::Shown(23));
    assert_eq!(out.cell(0, 0), Some(Cell::Suppressed));
    assert_eq!(out.col_totals()[1], Cell::Suppressed);
    assert_eq!(out.cell(0, 1), Some(Cell::Shown(0)), "zeros stay shown");
    // A total below k is hidden like any figure.
    let lone = table(&[vec![2], vec![0]]);
    assert_eq!(publish(&lone, DEFAULT_K).total(), Cell::Suppressed);
}
