package analysis

import (
	"fmt"
	"math"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// DelayCell is one cell of a reporting triangle as the warehouse returns it:
// N cases of unit Unit received in week Received that reached the system
// Delay whole weeks later. It mirrors warehouse.DelayCount so that this
// package needs no database code.
type DelayCell struct {
	Unit     string
	Received models.Week
	Delay    int
	N        float64
}

// Triangle is a reporting triangle: N[r][d] cases received in week Start+r
// and first seen d weeks later, observed only where Start+r+d <= Now (the
// week whose arrivals are the latest the system has seen). Delays of
// MaxDelay weeks or more are folded into column MaxDelay, so the nowcast
// target is every case that ever arrives, with "MaxDelay or later" as the
// last delay class.
type Triangle struct {
	Start    models.Week
	Now      models.Week
	MaxDelay int
	N        [][]float64 // [row][delay 0..MaxDelay]
}

// NewTriangle returns an empty triangle for the received weeks start..now.
func NewTriangle(start, now models.Week, maxDelay int) (*Triangle, error) {
	if maxDelay < 1 {
		return nil, fmt.Errorf("analysis: triangle: max delay %d, want >= 1", maxDelay)
	}
	if err := start.Validate(); err != nil {
		return nil, fmt.Errorf("analysis: triangle start: %w", err)
	}
	if err := now.Validate(); err != nil {
		return nil, fmt.Errorf("analysis: triangle now: %w", err)
	}
	if now.Before(start) {
		return nil, fmt.Errorf("analysis: triangle: now %s is before start %s", now, start)
	}
	rows := now.Sub(start) + 1
	t := &Triangle{Start: start, Now: now, MaxDelay: maxDelay, N: make([][]float64, rows)}
	for r := range t.N {
		t.N[r] = make([]float64, maxDelay+1)
	}
	return t, nil
}

// Rows returns the number of received weeks of the triangle.
func (t *Triangle) Rows() int { return len(t.N) }

// Observable reports whether delay d of row r can have been seen by Now.
// The folded last column is observable (in part) from MaxDelay weeks on.
func (t *Triangle) Observable(r, d int) bool { return r+d <= len(t.N)-1 }

// Add adds n cases received in week wk with the given delay. Cells outside
// the triangle (received before Start or after Now, or arriving after Now)
// and non-finite or negative n are ignored and reported as false: they are
// data the caller asked not to see, not errors. A negative delay (a file
// dated before its cases) counts as delay 0.
func (t *Triangle) Add(wk models.Week, delay int, n float64) bool {
	r := wk.Sub(t.Start)
	if r < 0 || r >= len(t.N) || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		return false
	}
	if delay < 0 {
		delay = 0
	}
	if !t.Observable(r, delay) {
		return false
	}
	if delay > t.MaxDelay {
		delay = t.MaxDelay
	}
	t.N[r][delay] += n
	return true
}

// Reported returns the cases of row r seen so far.
func (t *Triangle) Reported(r int) float64 {
	var s float64
	for _, v := range t.N[r] {
		s += v
	}
	return s
}

// Total returns every case in the triangle.
func (t *Triangle) Total() float64 {
	var s float64
	for r := range t.N {
		s += t.Reported(r)
	}
	return s
}

// TriangleSet holds the triangle pooled over all units and one per unit
// group (district, or any grouping the caller gives).
type TriangleSet struct {
	Pooled *Triangle
	Groups map[string]*Triangle
}

// GroupNames returns the group names in sorted order.
func (s *TriangleSet) GroupNames() []string {
	out := make([]string, 0, len(s.Groups))
	for g := range s.Groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// BuildTriangles sums cells into the pooled triangle and the triangle of
// each unit's group. group maps a unit code to its group; a unit missing
// from it (or a nil map) counts in the pooled triangle only.
func BuildTriangles(cells []DelayCell, start, now models.Week, maxDelay int, group map[string]string) (*TriangleSet, error) {
	pooled, err := NewTriangle(start, now, maxDelay)
	if err != nil {
		return nil, err
	}
	set := &TriangleSet{Pooled: pooled, Groups: map[string]*Triangle{}}
	for _, c := range cells {
		if !pooled.Add(c.Received, c.Delay, c.N) {
			continue
		}
		g, ok := group[c.Unit]
		if !ok || g == "" {
			continue
		}
		tg := set.Groups[g]
		if tg == nil {
			tg, _ = NewTriangle(start, now, maxDelay) // same arguments as pooled: cannot fail
			set.Groups[g] = tg
		}
		tg.Add(c.Received, c.Delay, c.N)
	}
	return set, nil
}
