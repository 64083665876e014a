package analysis

import (
	"fmt"
	"math"

	"github.com/canhbao/canhbao/models"
)

// Panel is a dense unit x week panel of counts, weeks consecutive, oldest first.
type Panel struct {
	Units      []string    // current unit codes
	Population []float64   // per unit; 0 = unknown (use city mean)
	Start      models.Week // week of column 0
	Counts     [][]float64 // [unit][week] cases received (may be fractional if apportioned, usually integers)
	Serious    [][]float64 // [unit][week] serious cases (not settled, violence risk, crime signs, referred to police/court)
}

// Weeks returns the number of week columns of the panel (0 for an empty panel).
func (p *Panel) Weeks() int {
	if len(p.Counts) == 0 {
		return 0
	}
	return len(p.Counts[0])
}

// End returns the week of the last column. It is only meaningful when
// p.Weeks() > 0.
func (p *Panel) End() models.Week { return p.Start.Add(p.Weeks() - 1) }

// seriousTol is how far a serious count may exceed the case count in the same
// cell (floating-point noise of apportioned records).
const seriousTol = 1e-9

// Validate checks the shape and the values of the panel: one row per unit in
// Counts and Serious (and Population when given), equal row lengths, unique
// non-empty unit codes, finite non-negative values, and serious <= cases in
// every cell. The error names the unit and week at fault.
func (p *Panel) Validate() error {
	if p == nil {
		return fmt.Errorf("analysis: nil panel")
	}
	if err := p.Start.Validate(); err != nil {
		return fmt.Errorf("analysis: panel start: %w", err)
	}
	n := len(p.Units)
	if n == 0 {
		return fmt.Errorf("analysis: panel has no units")
	}
	if len(p.Counts) != n {
		return fmt.Errorf("analysis: panel has %d units but %d count rows", n, len(p.Counts))
	}
	if len(p.Serious) != n {
		return fmt.Errorf("analysis: panel has %d units but %d serious rows", n, len(p.Serious))
	}
	if p.Population != nil && len(p.Population) != n {
		return fmt.Errorf("analysis: panel has %d units but %d populations", n, len(p.Population))
	}
	T := p.Weeks()
	if T == 0 {
		return fmt.Errorf("analysis: panel has no weeks")
	}
	seen := make(map[string]bool, n)
	for u, code := range p.Units {
		if code == "" {
			return fmt.Errorf("analysis: unit %d has an empty code", u)
		}
		if seen[code] {
			return fmt.Errorf("analysis: unit %s appears twice", code)
		}
		seen[code] = true
		if p.Population != nil {
			if pop := p.Population[u]; math.IsNaN(pop) || math.IsInf(pop, 0) || pop < 0 {
				return fmt.Errorf("analysis: unit %s: population %v", code, pop)
			}
		}
		if len(p.Counts[u]) != T {
			return fmt.Errorf("analysis: unit %s: %d count weeks, want %d", code, len(p.Counts[u]), T)
		}
		if len(p.Serious[u]) != T {
			return fmt.Errorf("analysis: unit %s: %d serious weeks, want %d", code, len(p.Serious[u]), T)
		}
		for t, c := range p.Counts[u] {
			s := p.Serious[u][t]
			switch {
			case math.IsNaN(c) || math.IsInf(c, 0) || c < 0:
				return fmt.Errorf("analysis: unit %s week %s: count %v", code, p.Start.Add(t), c)
			case math.IsNaN(s) || math.IsInf(s, 0) || s < 0:
				return fmt.Errorf("analysis: unit %s week %s: serious %v", code, p.Start.Add(t), s)
			case s > c+seriousTol:
				return fmt.Errorf("analysis: unit %s week %s: %v serious of %v cases", code, p.Start.Add(t), s, c)
			}
		}
	}
	return nil
}

// populations returns each unit's population with unknown (zero or missing)
// values replaced by the mean of the known ones. When no population is known
// every unit gets 1, so that the prior treats units as exchangeable.
func (p *Panel) populations() []float64 {
	out := make([]float64, len(p.Units))
	var sum float64
	var n int
	for _, v := range p.Population {
		if v > 0 {
			sum += v
			n++
		}
	}
	fill := 1.0
	if n > 0 {
		fill = sum / float64(n)
	}
	for u := range out {
		if u < len(p.Population) && p.Population[u] > 0 {
			out[u] = p.Population[u]
		} else {
			out[u] = fill
		}
	}
	return out
}
