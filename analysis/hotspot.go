package analysis

import (
	"errors"
	"fmt"
	"math"
)

// HotSpotClass is the emerging-hot-spot pattern of one area.
type HotSpotClass int

// The patterns of ArcGIS Pro's Emerging Hot Spot Analysis, hot then cold.
const (
	NoPattern HotSpotClass = iota
	NewHot
	ConsecutiveHot
	IntensifyingHot
	PersistentHot
	DiminishingHot
	SporadicHot
	OscillatingHot
	HistoricalHot
	NewCold
	ConsecutiveCold
	IntensifyingCold
	PersistentCold
	DiminishingCold
	SporadicCold
	OscillatingCold
	HistoricalCold
)

var hotSpotNames = [...]string{"no pattern", "new hot spot", "consecutive hot spot", "intensifying hot spot",
	"persistent hot spot", "diminishing hot spot", "sporadic hot spot", "oscillating hot spot", "historical hot spot",
	"new cold spot", "consecutive cold spot", "intensifying cold spot", "persistent cold spot", "diminishing cold spot",
	"sporadic cold spot", "oscillating cold spot", "historical cold spot"}

// String returns the pattern's name as ArcGIS labels it, in lower case.
func (c HotSpotClass) String() string {
	if c < 0 || int(c) >= len(hotSpotNames) {
		return fmt.Sprintf("HotSpotClass(%d)", int(c))
	}
	return hotSpotNames[c]
}

// HotSpotConfig holds the settings of EmergingHotSpots.
type HotSpotConfig struct {
	Alpha        float64      // significance level for bins (on BH q-values when FDR) and for the trend; ArcGIS: 0.05
	FDR          bool         // Benjamini–Hochberg over all area x period bins, as ArcGIS's FDR correction
	Share        float64      // the "90 percent of the time-step intervals" threshold; 0.9
	Permutations Permutations // optional conditional permutations per bin (PSim); classes use the normal p-values
}

// DefaultHotSpotConfig returns ArcGIS Pro's defaults: alpha 0.05, FDR on, 90%.
func DefaultHotSpotConfig() HotSpotConfig { return HotSpotConfig{Alpha: 0.05, FDR: true, Share: 0.9} }

// EmergingHotSpotResult holds the per-bin Gi* and the per-area pattern.
type EmergingHotSpotResult struct {
	Z, P, Q [][]float64 // Gi* z, two-sided p and BH q (= P without FDR), [period][area]
	Bin     [][]int     // +1 significant hot, -1 significant cold, 0 neither, [period][area]
	Trend   []MannKendallResult
	Class   []HotSpotClass
}

// EmergingHotSpots classifies each area by the history of its Gi* over the
// periods (values[period][area], oldest first), following the rules of ArcGIS
// Pro's Emerging Hot Spot Analysis ("How Emerging Hot Spot Analysis works",
// pro.arcgis.com, space-time-pattern-mining/learnmoreemerging.htm). Each
// period's Gi* uses the spatial weights w only (no time-lagged neighbours);
// bins are significant when their p-value (BH q-value with FDR) is < Alpha,
// hot when Z > 0 and cold when Z < 0. The trend is the Mann–Kendall test of
// the area's Gi* z series (significant when its p < Alpha). With n periods and
// "hot share" h = (hot bins)/n, the hot patterns are, in the order tested:
//
//   - intensifying: h >= 90%, the final period hot, significant upward trend;
//   - diminishing: h >= 90%, the final period hot, significant downward trend;
//   - persistent: h >= 90%, the final period hot, no significant trend;
//   - historical: h >= 90% but the final period not hot;
//   - oscillating: final period hot, h < 90%, and some earlier period a
//     significant cold spot;
//   - new: final period hot, no earlier hot bin (nor cold: that would be
//     oscillating);
//   - consecutive: a single uninterrupted run of >= 2 hot bins ending at the
//     final period, no hot bin before it, h < 90%;
//   - sporadic: final period hot, h < 90%, an earlier hot bin separated from
//     the final run by non-hot bins, never a cold spot.
//
// ArcGIS states the 90% rules without the final period for persistent; here
// the final period decides between persistent and historical, so the classes
// do not overlap. The cold patterns mirror these with hot and cold swapped and
// the trend reversed (intensifying cold = significant downward trend in z).
// An area with no hot or cold final bin and under 90% of either is "no
// pattern".
func EmergingHotSpots(values [][]float64, w *Weights, cfg HotSpotConfig) (*EmergingHotSpotResult, error) {
	if !(cfg.Alpha > 0 && cfg.Alpha < 1) || !(cfg.Share > 0 && cfg.Share <= 1) {
		return nil, errors.New("analysis: emerging hot spots: alpha and share must be in (0, 1)")
	}
	nt := len(values)
	if nt < 3 {
		return nil, fmt.Errorf("analysis: emerging hot spots: %d periods; the trend test needs at least 3", nt)
	}
	ws := w.WithSelf()
	n := w.N()
	res := &EmergingHotSpotResult{Z: make([][]float64, nt), P: make([][]float64, nt), Q: make([][]float64, nt), Bin: make([][]int, nt)}
	all := make([]float64, 0, nt*n)
	for k, x := range values {
		g, err := GetisOrd(x, ws, cfg.Permutations)
		if err != nil {
			return nil, fmt.Errorf("analysis: period %d: %w", k+1, err)
		}
		res.Z[k], res.P[k] = g.Z, g.P
		all = append(all, g.P...)
	}
	q := all
	if cfg.FDR {
		q = BenjaminiHochberg(all)
	}
	for k := range values {
		res.Q[k] = q[k*n : (k+1)*n]
		res.Bin[k] = make([]int, n)
		for i := 0; i < n; i++ {
			if res.Q[k][i] < cfg.Alpha {
				switch {
				case res.Z[k][i] > 0:
					res.Bin[k][i] = 1
				case res.Z[k][i] < 0:
					res.Bin[k][i] = -1
				}
			}
		}
	}
	res.Trend = make([]MannKendallResult, n)
	res.Class = make([]HotSpotClass, n)
	bins := make([]int, nt)
	zs := make([]float64, nt)
	for i := 0; i < n; i++ {
		for k := 0; k < nt; k++ {
			bins[k], zs[k] = res.Bin[k][i], res.Z[k][i]
		}
		mk, err := MannKendall(zs)
		trend := 0
		if err == nil && mk.P < cfg.Alpha {
			trend = int(math.Copysign(1, mk.S))
		}
		res.Trend[i] = mk
		res.Class[i] = ClassifyHotSpot(bins, trend, cfg.Share)
	}
	return res, nil
}

// ClassifyHotSpot applies the emerging-hot-spot rules (see EmergingHotSpots)
// to one area: bins[k] is +1 (significant hot), -1 (significant cold) or 0 for
// each period, oldest first; trend is +1/-1 for a significant upward/downward
// Mann–Kendall trend of the Gi* z series, 0 otherwise; share is the 90%
// threshold.
func ClassifyHotSpot(bins []int, trend int, share float64) HotSpotClass {
	if c := classifySide(bins, trend, share, 1); c != NoPattern {
		return c
	}
	if c := classifySide(bins, trend, share, -1); c != NoPattern {
		return c + (NewCold - NewHot)
	}
	return NoPattern
}

// classifySide returns the hot pattern of bins with "hot" meaning sign s
// (s = -1 classifies cold spots as if they were hot, trend reversed).
func classifySide(bins []int, trend int, share float64, s int) HotSpotClass {
	n := len(bins)
	if n == 0 {
		return NoPattern
	}
	trend *= s
	hot := 0
	for _, b := range bins {
		if b*s == 1 {
			hot++
		}
	}
	final := bins[n-1]*s == 1
	mostly := float64(hot) >= share*float64(n)
	switch {
	case mostly && final && trend > 0:
		return IntensifyingHot
	case mostly && final && trend < 0:
		return DiminishingHot
	case mostly && final:
		return PersistentHot
	case mostly:
		return HistoricalHot
	case !final:
		return NoPattern
	}
	// Final period hot, fewer than 90% hot.
	run := 0
	for k := n - 1; k >= 0 && bins[k]*s == 1; k-- {
		run++
	}
	earlierOpp := 0
	for k := 0; k < n-run; k++ {
		if bins[k]*s == -1 {
			earlierOpp++
		}
	}
	switch {
	case earlierOpp > 0:
		return OscillatingHot
	case hot == 1:
		return NewHot
	case hot == run:
		return ConsecutiveHot
	}
	return SporadicHot
}
