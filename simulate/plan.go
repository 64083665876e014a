package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// Roles of ground-truth rows.
const (
	roleCore      = "core"
	roleSpillover = "spillover"
	roleDecoy     = "decoy"
)

// Episode sizes.
const (
	episodesPerYear = 6.0   // per refUnits units
	refUnits        = 126.0 // unit count the episode rate is quoted for
	riseMin         = 4     // weeks from start to peak, peak included
	riseMax         = 8
	declineMin      = 2 // weeks after the peak
	declineMax      = 4
	peakMin         = 3.0 // core peak multiplier
	peakMax         = 5.0
	spillShareMin   = 0.3 // spillover excess as a share of the core's
	spillShareMax   = 0.5
	lagMax          = 3 // weeks from core start to spillover start
	poolMax         = 3 // party groups that recur within one episode unit
)

// effect is one episode acting on one unit: a rate multiplier that rises from
// 1 at start-1 to m at peak, then falls back to 1 after end.
type effect struct {
	ep               int // index into sim.episodes
	role             string
	start, peak, end int // planned ISO week indexes (end may lie beyond To)
	m                float64
	pool             []*partyGroup // party groups that recur in this unit's episode cases
}

// mult is the rate multiplier in week wi: 1+(m−1)·((i+1)/R)^1.5 on the rise
// (i weeks after start, R weeks to the peak inclusive), then a linear decline
// 1+(m−1)·(1−j/(D+1)) for j = 1..D weeks after the peak.
func (e *effect) mult(wi int) float64 {
	switch {
	case wi < e.start || wi > e.end:
		return 1
	case wi <= e.peak:
		rise := float64(e.peak - e.start + 1)
		return 1 + (e.m-1)*math.Pow(float64(wi-e.start+1)/rise, 1.5)
	default:
		dec := float64(e.end - e.peak)
		return 1 + (e.m-1)*(1-float64(wi-e.peak)/(dec+1))
	}
}

// episode is a planted escalation: a core effect and its spillovers.
type episode struct {
	id      string
	effects []*effect // core first
	units   []int     // unit index of each effect
	final   bool
}

// decoy is a one-week spike of ordinary cases.
type decoy struct {
	id    string
	unit  int
	week  int
	extra int
}

// interval is a closed range of week indexes.
type interval struct{ a, b int }

// planEpisodes places the episodes and decoys.
func (s *sim) planEpisodes(r *rand.Rand) {
	nw := s.lastW - s.firstW + 1
	years := float64(s.days) / 365.2425
	n := max(1, int(math.Round(episodesPerYear*years*float64(len(s.units))/refUnits)))
	warm := min(8, nw/4)
	busy := make([][]interval, len(s.units))
	free := func(u int, iv interval) bool {
		for _, b := range busy[u] {
			if iv.a <= b.b && b.a <= iv.b {
				return false
			}
		}
		return true
	}
	shares := make([]float64, len(s.units))
	for i, u := range s.units {
		shares[i] = u.share
	}
	for k := 0; k < n; k++ {
		final := k == 0 // the first placed is the one underway at To
		rise, dec := between(r, riseMin, riseMax), between(r, declineMin, declineMax)
		var peak int
		if final {
			peak = s.lastW - r.IntN(3)
		} else {
			lo, hi := s.firstW+warm+rise-1, s.lastW-dec-lagMax-1
			if hi < lo {
				hi = s.lastW
				lo = min(s.firstW+rise-1, hi)
			}
			lo, hi = stratum(lo, hi, k-1, n-1)
			peak = between(r, lo, hi)
		}
		start := peak - rise + 1
		span := interval{start - 4, peak + dec + lagMax + 4}
		core := -1
		for try := 0; try < 100; try++ {
			// Half uniform (sparse units get episodes too), half by rate.
			if r.IntN(2) == 0 {
				core = r.IntN(len(s.units))
			} else {
				core = pick(r, shares)
			}
			if free(core, span) {
				break
			}
		}
		busy[core] = append(busy[core], span)
		m := uniform(r, peakMin, peakMax)
		ep := &episode{final: final}
		s.episodes = append(s.episodes, ep)
		add := func(u int, e *effect) {
			e.ep = len(s.episodes) - 1
			ep.effects = append(ep.effects, e)
			ep.units = append(ep.units, u)
			s.units[u].effects = append(s.units[u].effects, e)
		}
		add(core, &effect{role: roleCore, start: start, peak: peak, end: peak + dec, m: m})

		var cands []int
		for _, nb := range s.neighbours[core] {
			if free(nb, span) {
				cands = append(cands, nb)
			}
		}
		nSpill := min(between(r, 1, 3), len(cands))
		for _, j := range r.Perm(len(cands))[:nSpill] {
			u := cands[j]
			lag := between(r, 1, lagMax)
			if start+lag > s.lastW {
				continue
			}
			busy[u] = append(busy[u], span)
			ms := 1 + (m-1)*uniform(r, spillShareMin, spillShareMax)
			add(u, &effect{role: roleSpillover, start: start + lag, peak: peak + lag, end: peak + lag + dec, m: ms})
		}
	}
	// Decoys: as many as episodes, in weeks where the unit has no episode.
	for k := 0; k < n; k++ {
		var u, wi int
		lo, hi := stratum(s.firstW, s.lastW, k, n)
		for try := 0; try < 100; try++ {
			u, wi = r.IntN(len(s.units)), between(r, lo, hi)
			if free(u, interval{wi - 2, wi + 2}) {
				break
			}
		}
		busy[u] = append(busy[u], interval{wi - 2, wi + 2})
		rate := s.weekRate(u, wi)
		s.decoys = append(s.decoys, &decoy{unit: u, week: wi, extra: 2 + poisson(r, max(2, 2.5*rate))})
	}

	sort.SliceStable(s.episodes, func(i, j int) bool {
		a, b := s.episodes[i], s.episodes[j]
		if a.effects[0].start != b.effects[0].start {
			return a.effects[0].start < b.effects[0].start
		}
		return a.units[0] < b.units[0]
	})
	for i, ep := range s.episodes {
		ep.id = idOf("E", i+1)
		for _, e := range ep.effects {
			e.ep = i
		}
	}
	sort.SliceStable(s.decoys, func(i, j int) bool {
		a, b := s.decoys[i], s.decoys[j]
		if a.week != b.week {
			return a.week < b.week
		}
		return a.unit < b.unit
	})
	for i, d := range s.decoys {
		d.id = idOf("D", i+1)
	}
}

// stratum returns the k-th of n equal parts of [lo, hi]: drawing one time in
// each part spreads episodes over the range while keeping them random.
func stratum(lo, hi, k, n int) (int, int) {
	size := float64(hi-lo+1) / float64(n)
	a := lo + int(float64(k)*size)
	b := max(a, lo+int(float64(k+1)*size)-1)
	return a, min(b, hi)
}

// truthRow is one row of ground_truth.csv.
type truthRow struct {
	id, unit, role   string
	start, peak, end int
}

// truth lists the ground truth, weeks clipped to the simulated range: an
// episode underway at To ends (as far as the data can tell) in the last week.
func (s *sim) truth() []truthRow {
	clip := func(w int) int { return min(max(w, s.firstW), s.lastW) }
	var out []truthRow
	for _, ep := range s.episodes {
		for i, e := range ep.effects {
			out = append(out, truthRow{ep.id, s.units[ep.units[i]].u.Code, e.role,
				clip(e.start), clip(e.peak), clip(e.end)})
		}
	}
	for _, d := range s.decoys {
		out = append(out, truthRow{d.id, s.units[d.unit].u.Code, roleDecoy, d.week, d.week, d.week})
	}
	return out
}

func idOf(prefix string, i int) string { return fmt.Sprintf("%s%03d", prefix, i) }

func weekString(wi int) string { return models.WeekFromIndex(wi).String() }
