package models

// Indicator is the escalation evidence for one unit in one week, as computed
// by an analysis run.
type Indicator struct {
	RunID        string
	UnitCode     string
	Week         Week
	Observed     float64  // cases in the window ending this week
	Expected     float64  // model-expected cases in the same window
	Ratio        float64  // Observed / Expected
	PValue       float64  // upper-tail p-value of Observed under the model
	QValue       float64  // Benjamini-Hochberg adjusted p-value across units
	Serious      float64  // serious cases in the window (not settled, violence, crime, police/court)
	SeriousShare float64  // Serious / Observed (0 when no cases)
	SeriousBase  float64  // the unit's (pooled) serious share over its history
	Score        float64  // combined escalation score (higher = more concerning)
	Tier         Tier     // high, elevated, watch or none
	Flagged      bool     // tier high or elevated, within the week's alarm budget
	Reasons      []string // machine-readable drivers ("excess", "serious", ...)
}

// Tier of a flag, from most to least urgent.
type Tier string

const (
	TierHigh     Tier = "high"
	TierElevated Tier = "elevated"
	TierWatch    Tier = "watch"
	TierNone     Tier = "none"
)
