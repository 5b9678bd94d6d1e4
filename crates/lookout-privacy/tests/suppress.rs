//! Small-cell suppression: worked examples, then property tests that attack
//! the published tables.
//!
//! The attacker sees only published figures. It knows that every line of
//! the table adds up to its total (the totals row and column to the grand
//! total), that counts are whole and non-negative, and what else the views
//! give away: in a lone published table zeros are always shown, so a hidden
//! figure is at least 1; a filtered figure is at most the unfiltered one
//! where that is shown. For each hidden figure it first narrows every range
//! by interval propagation over the sums to a fixed point, then searches
//! exhaustively (branch and bound, with the same propagation at every node)
//! for a filling of all hidden figures that fits everything it knows and
//! gives that figure a value other than the true one. Found: the figure is
//! not pinned. Search space exhausted: it is pinned, and the test fails.
//! Budget exceeded: the propagated range decides, and the case counts as
//! inconclusive (the tests require those to be rare and print how many
//! there were).

use std::cell::RefCell;
use std::fmt::Write as _;

use lookout_privacy::Error;
use lookout_privacy::suppress::{Cell, DEFAULT_K, Published, Table, publish, publish_filtered};
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
