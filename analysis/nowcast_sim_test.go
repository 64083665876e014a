package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/canhbao/canhbao/models"
)

// nowcastScenario is a simulated delivery history: units with known weekly
// rates (negative-binomial counts), two groups of units with different known
// delay distributions (one habitually late), the final counts and the cells
// of the reporting triangle.
type nowcastScenario struct {
	units   []string
	groupOf map[string]string
	start   models.Week
	weeks   int
	final   [][]float64 // [unit][week] every case, whenever it arrives
	cells   []DelayCell // every case with its delay (also those after now)
}

// scenario delay PMFs (delays 0..12 weeks), one per group.
var simDelayPMF = map[string][]float64{
	"prompt": {0.35, 0.25, 0.15, 0.08, 0.05, 0.04, 0.03, 0.02, 0.01, 0.01, 0.005, 0.003, 0.002},
	"late":   {0.05, 0.15, 0.20, 0.18, 0.12, 0.09, 0.07, 0.05, 0.04, 0.02, 0.015, 0.01, 0.005},
}

func simulateDelays(seed uint64, nUnits, weeks int, size float64) nowcastScenario {
	src := rand.NewPCG(seed, seed^0x2545f4914f6cdd1d)
	rng := rand.New(src)
	sc := nowcastScenario{start: models.Week{Year: 2024, Num: 1}, weeks: weeks, groupOf: map[string]string{}}
	cat := map[string]distuv.Categorical{}
	for g, p := range simDelayPMF {
		cat[g] = distuv.NewCategorical(p, src)
	}
	for u := 0; u < nUnits; u++ {
		code := fmt.Sprintf("%05d", 100+u)
		g := "prompt"
		if u%3 == 0 {
			g = "late"
		}
		sc.units = append(sc.units, code)
		sc.groupOf[code] = g
		mu := 0.3 + 8*rng.Float64()*rng.Float64() // many small units, a few busy ones
		row := make([]float64, weeks)
		for t := range row {
			lam := distuv.Gamma{Alpha: size, Beta: size / mu, Src: src}.Rand()
			n := distuv.Poisson{Lambda: lam, Src: src}.Rand()
			row[t] = n
			wk := sc.start.Add(t)
			byDelay := map[int]float64{}
			for i := 0; i < int(n); i++ {
				byDelay[int(cat[g].Rand())]++
			}
			for d, k := range byDelay {
				sc.cells = append(sc.cells, DelayCell{Unit: code, Received: wk, Delay: d, N: k})
			}
		}
		sc.final = append(sc.final, row)
	}
	return sc
}

// seenBy returns the counts per unit and week as seen at the end of week now.
func (sc nowcastScenario) seenBy(now models.Week) [][]float64 {
	idx := map[string]int{}
	for i, u := range sc.units {
		idx[u] = i
	}
	out := make([][]float64, len(sc.units))
	for i := range out {
		out[i] = make([]float64, now.Sub(sc.start)+1)
	}
	for _, c := range sc.cells {
		t := c.Received.Sub(sc.start)
		if t < len(out[0]) && t+c.Delay <= len(out[0])-1 {
			out[idx[c.Unit]][t] += c.N
		}
	}
	return out
}

// nowcastAt runs the whole chain (triangles, pooled and shrunk group delay
// distributions, nowcast) as of week now.
func (sc nowcastScenario) nowcastAt(now models.Week, dcfg DelayConfig, ncfg NowcastConfig) (*Nowcast, error) {
	set, err := BuildTriangles(sc.cells, sc.start, now, dcfg.MaxDelay, sc.groupOf)
	if err != nil {
		return nil, err
	}
	pooled, err := EstimateDelay(set.Pooled, dcfg)
	if err != nil {
		return nil, err
	}
	groups := map[string]*DelayDist{}
	for _, g := range set.GroupNames() {
		if groups[g], err = EstimateDelay(set.Groups[g], dcfg); err != nil {
			return nil, err
		}
	}
	shrunk, err := ShrinkDelay(pooled, groups)
	if err != nil {
		return nil, err
	}
	return NowcastPanel(NowcastInput{Units: sc.units, Start: sc.start, Counts: sc.seenBy(now), Now: now,
		Pooled: pooled, Groups: shrunk, GroupOf: sc.groupOf}, ncfg)
}

// TestNowcastSimulation draws delivery histories with known delays and checks
// that the nowcast of the last 6 weeks is unbiased and that its 90%
// intervals cover the final counts about 90% of the time, per unit and for
// the city, while the raw counts are far too low. 40 replications with
// fixed seeds; measured numbers are logged (go test -run NowcastSimulation -v).
func TestNowcastSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	dcfg := DefaultDelayConfig()
	dcfg.MaxDelay = 16
	ncfg := DefaultNowcastConfig()
	ncfg.Samples = 200
	const reps, nUnits, weeks = 40, 30, 110
	var sumErr, sumAbs, sumFinal, sumRaw, cover, mass, n float64
	var cityCover, cityN, citySumErr, cityFinal float64
	byDelayCover := make([]float64, ncfg.Weeks)
	byDelayN := make([]float64, ncfg.Weeks)
	for r := 0; r < reps; r++ {
		sc := simulateDelays(uint64(1000+r), nUnits, weeks, 4)
		now := sc.start.Add(weeks - 1)
		nc, err := sc.nowcastAt(now, dcfg, ncfg)
		if err != nil {
			t.Fatal(err)
		}
		for u, sn := range nc.Units {
			for _, w := range sn.Weeks {
				truth := sc.final[u][w.Week.Sub(sc.start)]
				sumErr += w.Mean - truth
				sumAbs += math.Abs(w.Mean - truth)
				sumFinal += truth
				sumRaw += w.Observed
				in := truth >= w.Lower && truth <= w.Upper
				mass += w.Mass
				if in {
					cover++
				}
				n++
				byDelayN[w.Delay]++
				if in {
					byDelayCover[w.Delay]++
				}
			}
		}
		for _, w := range nc.City {
			var truth float64
			for u := range sc.units {
				truth += sc.final[u][w.Week.Sub(sc.start)]
			}
			citySumErr += w.Mean - truth
			cityFinal += truth
			if truth >= w.Lower && truth <= w.Upper {
				cityCover++
			}
			cityN++
		}
	}
	bias := sumErr / sumFinal
	coverage := cover / n
	cityCoverage := cityCover / cityN
	t.Logf("unit-weeks %v: relative bias %.4f, MAE %.3f cases, raw counts %.1f%% of final, 90%% coverage %.3f (predicted %.3f)",
		n, bias, sumAbs/n, 100*sumRaw/sumFinal, coverage, mass/n)
	for d := range byDelayN {
		t.Logf("  delay %d: coverage %.3f (%v unit-weeks)", d, byDelayCover[d]/byDelayN[d], byDelayN[d])
	}
	t.Logf("city-weeks %v: relative bias %.4f, 90%% coverage %.3f", cityN, citySumErr/cityFinal, cityCoverage)
	if math.Abs(bias) > 0.03 {
		t.Errorf("relative bias %.4f, want within ±0.03", bias)
	}
	// Small counts: a discrete 90% interval holds more than 90% of the
	// predictive mass; calibration means the coverage matches that mass.
	if coverage < 0.87 || math.Abs(coverage-mass/n) > 0.025 {
		t.Errorf("unit coverage %.3f, want >= 0.87 and within 0.025 of the predicted %.3f", coverage, mass/n)
	}
	// 240 city-weeks: the binomial 99% band around 0.9 is about ±0.05.
	if cityCoverage < 0.83 || cityCoverage > 0.97 {
		t.Errorf("city coverage %.3f, want 0.83..0.97", cityCoverage)
	}
	if math.Abs(citySumErr/cityFinal) > 0.03 {
		t.Errorf("city relative bias %.4f, want within ±0.03", citySumErr/cityFinal)
	}
	if sumRaw/sumFinal > 0.8 {
		t.Errorf("raw counts are %.2f of the final ones: the scenario does not test much", sumRaw/sumFinal)
	}
}
