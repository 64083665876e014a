package scorecard

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

const (
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Half    PeriodKind = "half"
	Year    PeriodKind = "year"
)

// Period is a calendar reporting period: From and To are whole days (UTC
// midnight), both inclusive.
type Period struct {
	Label    string // as parsed, normalised: 2026, 2026-H1, 2026-Q3, 2026-M07
	Kind     PeriodKind
	From, To time.Time
}

// ParsePeriod parses "2026" (year), "2026-H1" / "2026-H2" (six months),
// "2026-Q1".."2026-Q4" (quarter) and "2026-M01".."2026-M12" (month; also
// "2026-07"). Letters may be lower case.
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("scorecard: period %q: want YYYY, YYYY-H1|H2, YYYY-Q1..Q4 or YYYY-M01..M12", s)
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 2999 {
		return Period{}, bad
	}
	if len(s) == 4 {
		return periodOf(Year, y, 1), nil
	}
	if s[4] != '-' || len(s) < 6 {
		return Period{}, bad
	}
	rest := s[5:]
	kind, max := Month, 12
	switch rest[0] {
	case 'H':
		kind, max, rest = Half, 2, rest[1:]
	case 'Q':
		kind, max, rest = Quarter, 4, rest[1:]
	case 'M':
		rest = rest[1:]
	}
	if rest == "" || rest[0] == '+' || rest[0] == '-' || len(rest) > 2 {
		return Period{}, bad
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > max {
		return Period{}, bad
	}
	return periodOf(kind, y, n), nil
}

// periodOf builds the n-th period of a kind in year y (n = 1 for a year).
func periodOf(kind PeriodKind, y, n int) Period {
	var months int
	var label string
	switch kind {
	case Year:
		months, label = 12, fmt.Sprintf("%04d", y)
	case Half:
		months, label = 6, fmt.Sprintf("%04d-H%d", y, n)
	case Quarter:
		months, label = 3, fmt.Sprintf("%04d-Q%d", y, n)
	default:
		months, label = 1, fmt.Sprintf("%04d-M%02d", y, n)
	}
	from := time.Date(y, time.Month((n-1)*months+1), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, months, -1)
	return Period{Label: label, Kind: kind, From: from, To: to}
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24) + 1 }

// YearEarlier is the same period one year before.
func (p Period) YearEarlier() Period {
	n := 1
	switch p.Kind {
	case Half:
		n = (int(p.From.Month())-1)/6 + 1
	case Quarter:
		n = (int(p.From.Month())-1)/3 + 1
	case Month:
		n = int(p.From.Month())
	}
	return periodOf(p.Kind, p.From.Year()-1, n)
}

// Contains reports whether day d (time of day ignored) is in the period.
func (p Period) Contains(d time.Time) bool {
	d = day(d)
	return !d.Before(p.From) && !d.After(p.To)
}

// Months lists the month periods that make up p, in order.
func (p Period) Months() []Period {
	var out []Period
	for m := p.From; !m.After(p.To); m = m.AddDate(0, 1, 0) {
		out = append(out, periodOf(Month, m.Year(), int(m.Month())))
	}
	return out
}

// day truncates t to its calendar day in UTC (dates in the warehouse are
// calendar days stored as UTC midnight).
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
