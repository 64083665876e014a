package warehouse

import (
	"sort"
	"time"
)

// Thresholds of the automatic backfill rule (see ReceivedDates.Backfill).
const (
	BackfillWeeks   = 26 // half a year
	BackfillMinRows = 20 // smaller files are never a backfill by themselves
)

// ReceivedDates collects the received dates of a file's rows as a count per
// day, so memory stays bounded by the number of distinct days whatever the
// file's size. The zero value is ready to use.
type ReceivedDates struct {
	days map[int64]int // days since 1970-01-01 -> rows
	n    int
}

// Add records one row's received date (its calendar date).
func (r *ReceivedDates) Add(t time.Time) {
	if r.days == nil {
		r.days = map[int64]int{}
	}
	r.days[utcDate(t).Unix()/86400]++
	r.n++
}

// Len is the number of rows added.
func (r *ReceivedDates) Len() int { return r.n }

// Backfill applies the automatic backfill rule to a file that arrived on
// arrived: it is a file of past records loaded at once, not a delivery, when
// it has at least BackfillMinRows valid rows and
//
//   - the median delay (arrival - received date) is over BackfillWeeks weeks:
//     most of the file is older history, or
//   - its received dates spread over more than BackfillWeeks weeks, measured
//     robustly as twice their interquartile range (for dates spread evenly
//     over S weeks the IQR is S/2).
//
// Why these and not the oldest row: a weekly delivery carries a long tail
// of logbooks that come months late (a tail of up to a quarter of its rows),
// and those late rows are exactly the reporting delays the nowcast must
// learn; a median and an interquartile range ignore such a tail, while a
// file of a year's history, or of one month from long ago, fails one of
// them. Why the minimum size: a commune's few forgotten pages sent on their
// own are all late, yet they are reporting delays (the longest ones), and a
// handful of rows cannot distort the counts; a history file large enough to
// matter is caught. Small history files need --backfill.
func (r *ReceivedDates) Backfill(arrived time.Time) bool {
	if r.n < BackfillMinRows {
		return false
	}
	keys := make([]int64, 0, len(r.days))
	for d := range r.days {
		keys = append(keys, d)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	// q returns the received day at rank ceil(p·n) (lower quantile), so no
	// interpolation between days is needed.
	q := func(p float64) int64 {
		rank := int(p*float64(r.n) + 0.999999)
		if rank < 1 {
			rank = 1
		}
		seen := 0
		for _, d := range keys {
			if seen += r.days[d]; seen >= rank {
				return d
			}
		}
		return keys[len(keys)-1]
	}
	limit := int64(BackfillWeeks * 7)
	arr := utcDate(arrived).Unix() / 86400
	// Delays decrease as received dates increase, so the median delay is
	// the arrival minus the median received date.
	if arr-q(0.5) > limit {
		return true
	}
	return 2*(q(0.75)-q(0.25)) > limit
}
