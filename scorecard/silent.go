package scorecard

import (
	"sort"
	"time"
)

// Silent is a unit that recorded no case in the weeks before the as-of date.
type Silent struct {
	UnitCode string
	Last     time.Time // received date of its newest case; zero when it never had one
	Weeks    int       // whole weeks from Last to the as-of date; -1 when never
}

// SilentUnits lists the units with no case received in the `weeks` weeks
// ending at asOf, i.e. in (asOf − 7·weeks days, asOf]: their last case (from
// last, keyed by unit code) is on or before asOf − 7·weeks days, or they have
// none. Cases after asOf are ignored by the caller's query, not here. The
// result is ordered by longest silence first, then code.
func SilentUnits(units []string, last map[string]time.Time, asOf time.Time, weeks int) []Silent {
	if weeks < 1 {
		weeks = 1
	}
	asOf = day(asOf)
	cut := asOf.AddDate(0, 0, -7*weeks)
	var out []Silent
	for _, u := range units {
		l, ok := last[u]
		if !ok || l.IsZero() {
			out = append(out, Silent{UnitCode: u, Weeks: -1})
			continue
		}
		l = day(l)
		if l.After(cut) {
			continue
		}
		out = append(out, Silent{UnitCode: u, Last: l, Weeks: int(asOf.Sub(l).Hours()/24) / 7})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Weeks < 0) != (b.Weeks < 0) {
			return a.Weeks < 0
		}
		if a.Weeks != b.Weeks {
			return a.Weeks > b.Weeks
		}
		return a.UnitCode < b.UnitCode
	})
	return out
}
