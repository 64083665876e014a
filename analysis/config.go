package analysis

import (
	"fmt"
	"math"
)

// Config sets the windows and thresholds of Escalation.
type Config struct {
	Window      int     // weeks in the evaluation window ending at asOf (default 4)
	History     int     // max weeks of history before the window used to fit (default 156)
	Guard       int     // weeks between history and window excluded from the fit (default 0)
	Alpha       float64 // FDR level for flags (default 0.05)
	MinExpected float64 // floor on the null mean of the excess test, in cases per window (default 0.5)
	ElevatedP   float64 // per-unit combined p-value for the "elevated" tier (default 0.01)
	WatchP      float64 // per-unit combined p-value for the "watch" tier, not flagged (default 0.05)
	Budget      int     // at most this many units flagged per week, highest scores first (default 10)
}

// MinHistory is the fewest history weeks Escalation fits a model on. With
// fewer than 52 weeks the seasonal terms are dropped, with fewer than 104 only
// the annual harmonic is fitted (see harmonics).
const MinHistory = 26

// minFlagObserved is the minimal evidence for a flag: a unit with fewer cases
// than this in its window is never flagged, whatever its p-value, because one
// case where the model expects almost none is not an escalation anyone can act
// on (cf. the "at least 5 cases in 4 weeks" rule of Farrington et al. 1996).
const minFlagObserved = 2

// DefaultConfig returns the settings of the weekly batch: a 4-week window,
// three years of history, no guard, FDR 5% for the "high" tier, p < 0.01 for
// "elevated" (about one false flag a week among 126 units under the null, less
// with discrete counts), p < 0.05 for "watch", at most 10 units flagged, and a
// floor of 0.5 cases on the expected count of the excess test.
func DefaultConfig() Config {
	return Config{Window: 4, History: 156, Guard: 0, Alpha: 0.05, MinExpected: 0.5,
		ElevatedP: 0.01, WatchP: 0.05, Budget: 10}
}

// Validate checks that the settings make sense on their own; whether a panel is
// long enough for them is checked by Escalation.
func (c Config) Validate() error {
	switch {
	case c.Window < 1:
		return fmt.Errorf("analysis: window %d weeks, want >= 1", c.Window)
	case c.History < MinHistory:
		return fmt.Errorf("analysis: history %d weeks, want >= %d", c.History, MinHistory)
	case c.Guard < 0:
		return fmt.Errorf("analysis: guard %d weeks, want >= 0", c.Guard)
	case !(c.Alpha > 0 && c.Alpha < 1):
		return fmt.Errorf("analysis: alpha %v, want in (0, 1)", c.Alpha)
	case !(c.ElevatedP > 0 && c.ElevatedP <= c.WatchP && c.WatchP < 1):
		return fmt.Errorf("analysis: elevated p %v and watch p %v, want 0 < elevated <= watch < 1", c.ElevatedP, c.WatchP)
	case c.Budget < 1:
		return fmt.Errorf("analysis: budget %d units, want >= 1", c.Budget)
	case math.IsNaN(c.MinExpected) || math.IsInf(c.MinExpected, 0) || c.MinExpected < 0:
		return fmt.Errorf("analysis: min expected %v, want finite >= 0", c.MinExpected)
	}
	return nil
}
