//! Which ListBackups pages the owner walk asks for, and when: a pure plan, so the walk's
//! I/O loop only asks it and reports answers to it.
//!
//! A small first page lets member calls start one round trip in; while it is in flight the
//! next page (the first whole one) is asked for too, so a list of up to `first + page`
//! backups costs one round trip before every backup is known. After that one page at a time,
//! only while fewer than [`BACKLOG`] backups wait for their members (memory stays bounded
//! however many backups the project has). A page answered with fewer rows than asked and
//! than the total (a gateway capping page sizes) has the rest asked for again, so no
//! backup is skipped.

use std::collections::VecDeque;

/// Backups waiting for their members below which the next page is asked for.
pub const BACKLOG: usize = 500;

/// One page to ask for: `offset` and `limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAsk {
    pub offset: u64,
    pub limit: u32,
}

/// The paging plan of one walk.
#[derive(Debug)]
pub struct Pages {
    first: u32,
    page: u32,
    /// Every offset below this has been asked for.
    frontier: u64,
    /// Rows a short answer left out, to ask for again.
    gaps: VecDeque<PageAsk>,
    /// The number of backups, as the last page that gave one said.
    total: Option<u64>,
    /// An empty page was answered: nothing lies past it.
    ended: bool,
    /// Whether the page after the first has been asked for alongside it.
    ahead: bool,
    in_flight: usize,
}

impl Pages {
    /// A plan whose first page has `first` rows and the others `page`.
    pub fn new(first: u32, page: u32) -> Pages {
        Pages {
            first: first.max(1),
            page: page.max(1),
            frontier: 0,
            gaps: VecDeque::new(),
            total: None,
            ended: false,
            ahead: false,
            in_flight: 0,
        }
    }

    /// The number of backups, once a page has said it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Whether rows past the frontier may still exist.
    fn more(&self) -> bool {
        !self.ended && self.total.is_none_or(|t| self.frontier < t)
    }

    /// Whether every page has been asked for and answered.
    #[cfg(test)]
    pub fn done(&self) -> bool {
        self.in_flight == 0 && self.gaps.is_empty() && !self.more()
    }

    /// The page to ask for now, if any, with `backlog` backups still waiting for their
    /// members.
    pub fn next(&mut self, backlog: usize) -> Option<PageAsk> {
        if let Some(gap) = self.gaps.pop_front() {
            self.in_flight += 1;
            return Some(gap);
        }
        if !self.more() || backlog >= BACKLOG {
            return None;
        }
        let limit = if self.frontier == 0 {
            self.first
        } else if self.in_flight == 0 {
            self.page
        } else if !self.ahead && self.frontier == u64::from(self.first) {
            // The first page is still in flight: ask for the next one alongside it.
            self.ahead = true;
            self.page
        } else {
            return None;
        };
        let ask = PageAsk {
            offset: self.frontier,
            limit,
        };
        self.frontier += u64::from(limit);
        self.in_flight += 1;
        Some(ask)
    }

    /// `ask` was answered with `got` rows and the total `count` (when the service gave it).
    pub fn answered(&mut self, ask: PageAsk, got: u64, count: Option<u64>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if count.is_some() {
            self.total = count;
        }
        if got == 0 {
            self.ended = true;
            return;
        }
        let asked_end = ask.offset + u64::from(ask.limit);
        let end = self.total.map_or(asked_end, |t| asked_end.min(t));
        let reached = ask.offset + got;
        if reached < end {
            self.gaps.push_back(PageAsk {
                offset: reached,
                limit: u32::try_from(end - reached).unwrap_or(ask.limit),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(offset: u64, limit: u32) -> PageAsk {
        PageAsk { offset, limit }
    }

    #[test]
    fn the_second_page_is_asked_for_alongside_the_first_then_one_at_a_time() {
        let mut p = Pages::new(100, 1000);
        assert_eq!(p.next(0), Some(ask(0, 100)));
        assert_eq!(p.next(0), Some(ask(100, 1000)));
        assert_eq!(
            p.next(0),
            None,
            "two pages at most before the total is known"
        );
        p.answered(ask(0, 100), 100, Some(3000));
        assert_eq!(p.next(100), None, "one page at a time after the start");
        p.answered(ask(100, 1000), 1000, Some(3000));
        assert_eq!(
            p.next(BACKLOG),
            None,
            "enough backups wait for their members"
        );
        assert_eq!(p.next(BACKLOG - 1), Some(ask(1100, 1000)));
        p.answered(ask(1100, 1000), 1000, Some(3000));
        assert_eq!(p.next(0), Some(ask(2100, 1000)));
        assert!(!p.done());
        p.answered(ask(2100, 1000), 900, Some(3000));
        assert_eq!(p.next(0), None);
        assert!(p.done());
        assert_eq!(p.total(), Some(3000));
    }

    #[test]
    fn a_list_within_the_first_page_ends_when_the_page_ahead_comes_back_empty() {
        let mut p = Pages::new(100, 1000);
        let (a, b) = (p.next(0).unwrap(), p.next(0).unwrap());
        p.answered(b, 0, Some(40));
        assert!(!p.done(), "the first page is still out");
        p.answered(a, 40, Some(40));
        assert_eq!(p.next(0), None);
        assert!(p.done());
    }

    #[test]
    fn a_capped_page_has_the_rest_asked_for_again() {
        let mut p = Pages::new(100, 1000);
        let (a, b) = (p.next(0).unwrap(), p.next(0).unwrap());
        p.answered(a, 50, Some(500));
        assert_eq!(p.next(0), Some(ask(50, 50)), "the rows the cap left out");
        p.answered(b, 50, Some(500));
        assert_eq!(
            p.next(0),
            Some(ask(150, 350)),
            "up to the total, not the ask"
        );
        assert!(!p.done());
    }

    #[test]
    fn without_a_count_pages_go_on_until_one_is_empty() {
        let mut p = Pages::new(10, 20);
        assert_eq!(p.next(0), Some(ask(0, 10)));
        assert_eq!(p.next(0), Some(ask(10, 20)));
        p.answered(ask(0, 10), 10, None);
        p.answered(ask(10, 20), 20, None);
        assert_eq!(p.next(0), Some(ask(30, 20)));
        p.answered(ask(30, 20), 5, None);
        assert_eq!(p.next(0), Some(ask(35, 15)), "a short page may be a cap");
        p.answered(ask(35, 15), 0, None);
        assert_eq!(p.next(0), None);
        assert!(p.done());
    }
}
