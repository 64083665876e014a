package scorecard

import (
	"errors"
	"sort"
)

// Options configure a scorecard.
type Options struct {
	Level      Level       // limit that marks a unit weak (default 99.8%)
	Method     LimitMethod // exact binomial (default) or normal limits
	Dispersion Dispersion  // over-dispersion adjustment (default: when the data call for it)
}

// Rated is one unit or team with its place on both funnels.
type Rated struct {
	Tally
	Settled    Assessment // settled / (received − in progress)
	Escalation Assessment // escalated / received
	// Weak: settled rate below the lower limit of the chosen level.
	Weak bool
	// HighEscalation: escalation share above the upper limit.
	HighEscalation bool
	// Below80 is a settled rate under the "5 tốt" 80% threshold, shown for
	// information: it is not what makes a unit weak.
	Below80 bool
}

// FiveGood is the settled-rate threshold of the "5 tốt" team rating.
const FiveGood = 0.8

// Card is the scorecard of a period: units and teams on two funnels each.
type Card struct {
	Options
	UnitSettled, UnitEscalation *Funnel // nil when no unit had a case
	TeamSettled, TeamEscalation *Funnel // nil when no team had a case
	Units                       []Rated // in code order
	Teams                       []Rated // by unit code, then team
}

// Build rates the tallies (unit rows have Team "", team rows a name).
func Build(tallies []Tally, opt Options) (*Card, error) {
	c := &Card{Options: opt}
	var units, teams []Tally
	for _, t := range tallies {
		if t.Team == "" {
			units = append(units, t)
		} else {
			teams = append(teams, t)
		}
	}
	sort.SliceStable(units, func(i, j int) bool { return units[i].UnitCode < units[j].UnitCode })
	sort.SliceStable(teams, func(i, j int) bool {
		if teams[i].UnitCode != teams[j].UnitCode {
			return teams[i].UnitCode < teams[j].UnitCode
		}
		return teams[i].Team < teams[j].Team
	})
	var err error
	if c.Units, c.UnitSettled, c.UnitEscalation, err = rate(units, opt); err != nil {
		return nil, err
	}
	if c.Teams, c.TeamSettled, c.TeamEscalation, err = rate(teams, opt); err != nil {
		return nil, err
	}
	return c, nil
}

func rate(ts []Tally, opt Options) ([]Rated, *Funnel, *Funnel, error) {
	sp := make([]Point, len(ts))
	ep := make([]Point, len(ts))
	for i, t := range ts {
		id := t.UnitCode + "/" + t.Team
		sp[i] = Point{ID: id, Events: t.Settled, N: t.Decided()}
		ep[i] = Point{ID: id, Events: t.Escalated, N: t.Received}
	}
	fs, err := NewFunnel(sp, opt.Method, opt.Dispersion)
	if errors.Is(err, ErrNoData) {
		fs, err = nil, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	fe, err := NewFunnel(ep, opt.Method, opt.Dispersion)
	if errors.Is(err, ErrNoData) {
		fe, err = nil, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	out := make([]Rated, len(ts))
	var as, ae []Assessment
	if fs != nil {
		as = fs.Assess(sp, opt.Level)
	}
	if fe != nil {
		ae = fe.Assess(ep, opt.Level)
	}
	for i, t := range ts {
		r := Rated{Tally: t}
		if as != nil {
			r.Settled = as[i]
			r.Weak = as[i].Low
			r.Below80 = as[i].N > 0 && as[i].Rate < FiveGood
		}
		if ae != nil {
			r.Escalation = ae[i]
			r.HighEscalation = ae[i].High
		}
		out[i] = r
	}
	return out, fs, fe, nil
}

// WeakUnits returns the codes of the weak units, in code order.
func (c *Card) WeakUnits() []string {
	var out []string
	for _, u := range c.Units {
		if u.Weak {
			out = append(out, u.UnitCode)
		}
	}
	return out
}
