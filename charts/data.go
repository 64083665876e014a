package charts

import (
	"sync"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Audiences of a report.
const (
	AudienceInternal = "internal" // planners and liaisons: case lists, exact counts
	AudiencePublic   = "public"   // wider sharing: no case lists, counts below 3 shown as "<3"
)

// Categories are the three official case groups, in display order.
var Categories = []string{"civil", "family", "other"}

// UnitPanel is a dense current-unit x week panel for the locality pages,
// the heat map and the trends page. Every [unit][week] slice has Weeks()
// columns starting at Start.
type UnitPanel struct {
	Start    models.Week
	Units    []string               // unit codes, row order
	Counts   [][]float64            // cases received
	Serious  [][]float64            // serious cases
	Category map[string][][]float64 // category (see Categories) -> cases
	Violence [][]float64            // cases with violence risk
	Crime    [][]float64            // cases with crime signs
	Referred [][]float64            // cases referred to police or court

	// Re-computed indicator of each week (the window ending that week), as
	// produced by the same method and settings as the report's run; NaN or
	// missing rows where it was not computed.
	WindowObserved [][]float64
	WindowExpected [][]float64
	WindowFlagged  [][]bool

	// Alarm bound of each unit's temporal detector (detector_bounds of the
	// run, stored by analyze): NaN where the run stored none, BoundAlarm
	// where the week's cases were above it. BoundDetector names the detector
	// per row ("" for none); all three nil for runs without bounds.
	Bound         [][]float64
	BoundAlarm    [][]bool
	BoundDetector []string

	index     map[string]int // unit code -> row, built on first use
	indexOnce sync.Once
}

// Weeks is the number of week columns.
func (p *UnitPanel) Weeks() int {
	if p == nil || len(p.Counts) == 0 {
		return 0
	}
	return len(p.Counts[0])
}

// row returns the row of a unit code, -1 if absent.
func (p *UnitPanel) row(code string) int {
	if p == nil {
		return -1
	}
	// A map, not a scan: the report looks up every unit's neighbours, and a
	// scan made the national report (3,321 units) quadratic per page.
	p.indexOnce.Do(func() {
		p.index = make(map[string]int, len(p.Units))
		for i, u := range p.Units {
			if _, dup := p.index[u]; !dup {
				p.index[u] = i
			}
		}
	})
	if i, ok := p.index[code]; ok {
		return i
	}
	return -1
}

// SettledRate is a unit's mediation outcome tally over the settled-rate period.
type SettledRate struct {
	Settled, Decided float64 // settled cases; settled + not settled (in progress excluded)
}

// SubtopicCount compares a subtopic's cases in the window with the unit's
// usual level: Baseline is the average per window over the year before.
type SubtopicCount struct {
	Subtopic         string
	Window, Baseline float64
}

// CaseRow is one case behind a flag. Key is a pseudonym (a hash of the case
// identity); no names, ages, addresses or summaries exist here.
type CaseRow struct {
	Key         string
	Received    time.Time
	Category    string
	Subtopic    string
	Outcome     string // settled | not_settled | in_progress
	DaysOpen    int    // closing (or the report week's Sunday) minus receipt
	Violence    bool
	Crime       bool
	ReferredTo  string
	Village     string // thôn/tổ dân phố as written (escaped on the page)
	Apportioned bool
}

// Quality is the data-quality evidence of the week.
type Quality struct {
	Since             time.Time // batches finished after this instant count as "this week"
	Batches           []BatchRow
	QuarantineReasons []ReasonCount // of the batches above
	SilentWeeks       int           // a unit is silent after this many weeks without a case
	Silent            []SilentUnit
	LateDays          int // a record is late when received this many days before its batch's newest record
	Late              []LateCount
}

// BatchRow is one ingested file.
type BatchRow struct {
	File                                                   string
	Finished                                               time.Time
	Read, Loaded, Updated, Duplicate, Quarantined, Ignored int
}

// ReasonCount is the number of rows quarantined for one reason.
type ReasonCount struct {
	Field, Reason string
	Rows          int
}

// SilentUnit is a unit with no case received for Weeks weeks up to the report week.
type SilentUnit struct {
	Code     string
	LastCase time.Time // zero: never
	Weeks    int
}

// LateCount is how many late records a batch carried.
type LateCount struct {
	File    string
	Late    int
	MaxDays int
}
