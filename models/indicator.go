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

	// Filled by the risk model when one ran (Probability < 0 means none).
	Probability float64  // calibrated P(unit escalates within the horizon)
	Change      Change   // compared with the previous week's flags
	Drivers     []Driver // what raised the probability, strongest first
}

// Driver is one reason behind a flag, with the numbers a report needs to say
// it in words ("land disputes 3.4x expected over 6 weeks").
type Driver struct {
	Code     string  // e.g. "excess", "serious", "violence", "land", "neighbours", "trend"
	Value    float64 // observed quantity (cases, share, ratio: see Code)
	Baseline float64 // what was expected for Value
	Weeks    int     // period the numbers cover
	Weight   float64 // contribution to the model's score (log-odds), for ordering
}

// Change of a unit's flag compared with the previous week.
type Change string

const (
	ChangeNone       Change = ""
	ChangeNew        Change = "new"
	ChangePersisting Change = "persisting"
	ChangeEscalated  Change = "escalated"
	ChangeCleared    Change = "cleared"
)

// Tier of a flag, from most to least urgent.
type Tier string

const (
	TierHigh     Tier = "high"
	TierElevated Tier = "elevated"
	TierWatch    Tier = "watch"
	TierNone     Tier = "none"
)
