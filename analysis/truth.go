package analysis

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/canhbao/canhbao/models"
)

// Roles of ground-truth episodes.
const (
	RoleCore      = "core"      // the unit where an escalation starts
	RoleSpillover = "spillover" // a neighbour that follows the core
	RoleDecoy     = "decoy"     // a one-week spike of ordinary cases: not an escalation
)

// Episode is one row of a ground-truth file: a unit's part in a planted (or
// documented) escalation episode, weeks inclusive.
type Episode struct {
	ID    string
	Unit  string
	Role  string
	Start models.Week
	Peak  models.Week
	End   models.Week
}

// ReadTruth reads a ground-truth CSV with the header
// episode_id,unit_code,role,start_week,peak_week,end_week (the format
// simulate writes; weeks YYYY-Www). Columns are found by name, so extra
// columns are allowed. Errors name the row.
func ReadTruth(r io.Reader) ([]Episode, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("analysis: truth: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("analysis: truth: empty file")
	}
	want := []string{"episode_id", "unit_code", "role", "start_week", "peak_week", "end_week"}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.TrimPrefix(strings.ToLower(h), "\ufeff"))] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("analysis: truth: header has no %s column", w)
		}
	}
	var out []Episode
	for i, r := range recs[1:] {
		row := i + 2
		get := func(name string) string {
			if j := col[name]; j < len(r) {
				return strings.TrimSpace(r[j])
			}
			return ""
		}
		e := Episode{ID: get("episode_id"), Unit: get("unit_code"), Role: get("role")}
		if e.Unit == "" {
			return nil, fmt.Errorf("analysis: truth: row %d: empty unit_code", row)
		}
		switch e.Role {
		case RoleCore, RoleSpillover, RoleDecoy:
		default:
			return nil, fmt.Errorf("analysis: truth: row %d: role %q, want core, spillover or decoy", row, e.Role)
		}
		var err error
		for _, f := range []struct {
			name string
			dst  *models.Week
		}{{"start_week", &e.Start}, {"peak_week", &e.Peak}, {"end_week", &e.End}} {
			if *f.dst, err = models.ParseWeek(get(f.name)); err != nil {
				return nil, fmt.Errorf("analysis: truth: row %d: %s: %w", row, f.name, err)
			}
		}
		if e.Peak.Before(e.Start) || e.End.Before(e.Peak) {
			return nil, fmt.Errorf("analysis: truth: row %d: weeks %s/%s/%s not in order start <= peak <= end",
				row, e.Start, e.Peak, e.End)
		}
		out = append(out, e)
	}
	return out, nil
}

// TargetHorizon is the forecast horizon in weeks: the risk model predicts
// whether a unit escalates within the next TargetHorizon weeks.
const TargetHorizon = 4

// TruthTarget is the target of the risk model on data with ground truth:
//
//	y_ut = 1  iff  the unit has a core or spillover episode e with
//	               e.Start <= t + horizon  and  e.Peak >= t,
//
// i.e. an escalation of the unit starts within the next horizon weeks or is
// still rising towards its peak (peak week included). Decoys never count.
// The result is [unit][week] over the weeks start .. start+weeks-1, in the
// order of units.
func TruthTarget(units []string, start models.Week, weeks int, eps []Episode, horizon int) [][]bool {
	row := make(map[string]int, len(units))
	y := make([][]bool, len(units))
	for i, u := range units {
		row[u] = i
		y[i] = make([]bool, weeks)
	}
	for _, e := range eps {
		u, ok := row[e.Unit]
		if !ok || e.Role == RoleDecoy {
			continue
		}
		a := max(e.Start.Sub(start)-horizon, 0)
		b := min(e.Peak.Sub(start), weeks-1)
		for t := a; t <= b; t++ {
			y[u][t] = true
		}
	}
	return y
}

// surgeScore is the combined Escalation score (−log10 p, 4-week window) at
// or above which a week counts as a surge for SurgeTarget: p <= 0.01, the
// "elevated" level of DefaultConfig.
const surgeScore = 2

// SurgeTarget is the target on data without ground truth: y_ut = 1 iff in
// some week s of t+1 .. t+horizon the unit's 4-week Escalation indicator has
// a combined p-value <= 0.01 (excess cases above the unit's negative-binomial
// bound, or more serious cases than its usual share or volume) with at least
// 2 cases in the window. The result is [unit][panel column]; columns whose
// horizon runs past the features are 0 and must not be used for training.
func SurgeTarget(f *Features, weeks, horizon int) [][]bool {
	si, ci := -1, -1
	for j, c := range f.Cols {
		switch c.Name {
		case "score_4":
			si = j
		case "cases_4":
			ci = j
		}
	}
	U := len(f.X[0])
	y := make([][]bool, U)
	for u := range y {
		y[u] = make([]bool, weeks)
	}
	lastCol := f.First + len(f.X) - 1
	for t := 0; t < weeks; t++ {
		for s := t + 1; s <= t+horizon && s <= lastCol; s++ {
			if s < f.First {
				continue
			}
			for u := range y {
				if f.X[s-f.First][u][si] >= surgeScore && f.Raw[s-f.First][u][ci] >= minFlagObserved {
					y[u][t] = true
				}
			}
		}
	}
	return y
}

// Training labels of TrainTarget.
const (
	TrainSkip     int8 = -1 // row not used to fit the coefficients
	TrainNegative int8 = 0
	TrainPositive int8 = 1
)

// TrainTarget gives the labels the risk model's coefficients are fitted on
// when ground truth exists; the evaluation and calibration target stays
// TruthTarget. A unit-week is positive in the rising phase of a core or
// spillover episode (start <= t <= peak), skipped in the horizon weeks before
// the start (start−horizon .. start−1, positives of TruthTarget that carry no
// signal yet) and after the peak up to tail weeks past the end (a decline
// that looks like a rise but is no new escalation), and negative otherwise.
// Decoys are negatives. The result is [unit][week] like TruthTarget.
func TrainTarget(units []string, start models.Week, weeks int, eps []Episode, horizon, tail int) [][]int8 {
	row := make(map[string]int, len(units))
	y := make([][]int8, len(units))
	for i, u := range units {
		row[u] = i
		y[i] = make([]int8, weeks)
	}
	set := func(u, a, b int, v int8) {
		for t := max(a, 0); t <= min(b, weeks-1); t++ {
			if y[u][t] != TrainPositive { // a rising phase wins over another episode's skip
				y[u][t] = v
			}
		}
	}
	for _, e := range eps {
		u, ok := row[e.Unit]
		if !ok || e.Role == RoleDecoy {
			continue
		}
		s, pk, end := e.Start.Sub(start), e.Peak.Sub(start), e.End.Sub(start)
		set(u, s-horizon, s-1, TrainSkip)
		set(u, pk+1, end+tail, TrainSkip)
	}
	for _, e := range eps {
		u, ok := row[e.Unit]
		if !ok || e.Role == RoleDecoy {
			continue
		}
		set(u, e.Start.Sub(start), e.Peak.Sub(start), TrainPositive)
	}
	return y
}

// TrainLabels turns a target into training labels with nothing skipped.
func TrainLabels(y [][]bool) [][]int8 {
	out := make([][]int8, len(y))
	for u, r := range y {
		out[u] = make([]int8, len(r))
		for t, v := range r {
			if v {
				out[u][t] = TrainPositive
			}
		}
	}
	return out
}
