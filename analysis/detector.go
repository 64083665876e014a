package analysis

import (
	"fmt"
	"runtime"
	"sync"
)

// Series is one univariate count series at a regular frequency: Counts[i] is
// the count of period i (0-based), Freq the number of periods per year (52
// for weekly data; 0 means 52). Reference periods one year back are found by
// index (i - Freq), as R's surveillance does for series without dates.
type Series struct {
	Counts []float64
	Freq   int
	// Start is the period within the year of Counts[0], 1-based (R's
	// start[2]); 0 means 1. Only seasonal baselines (CUSUM's) use it.
	Start int
}

func (s Series) freq() int {
	if s.Freq <= 0 {
		return 52
	}
	return s.Freq
}

// Result is the verdict of a detector on one period of a series. Fields a
// detector does not compute, or cannot compute for that period (for example
// an upper bound withheld by Farrington's limit54 rule), are NaN.
type Result struct {
	T          int     // 0-based index of the period in Series.Counts
	Observed   float64 // the count of period T
	Expected   float64 // the expected count under the null model
	UpperBound float64 // the count (or, for GLR/CUSUM statistics, the value) above which an alarm is raised
	Alarm      bool    // whether the period is flagged
	PValue     float64 // P(Y >= observed) under the null model, where the method defines one

	// Method-specific diagnostics (NaN when not applicable).
	Score float64 // Farrington exceedance score, CUSUM or GLR statistic
	Mu0   float64 // Farrington mu0 as reported by R (see Farrington.Detect)
	Phi   float64 // Farrington dispersion, max(phi, 1)
	Trend bool    // Farrington: the time trend was kept in the final model
}

// Detector runs one aberration-detection method on a series and returns one
// Result per period from index from to the end of the series. Data-dependent
// problems (too short a history for the method's baseline) are errors;
// negative or non-finite counts are errors too.
type Detector interface {
	Name() string
	Detect(s Series, from int) ([]Result, error)
}

var _ Detector = (*Farrington)(nil)

// DetectAll runs d on every series from period from, on workers goroutines
// (GOMAXPROCS when workers < 1). out[i] holds the results of series[i]; the
// first error (by series index) is returned with its index.
func DetectAll(d Detector, series []Series, from int, workers int) ([][]Result, error) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([][]Result, len(series))
	errs := make([]error, len(series))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = d.Detect(series[i], from)
			}
		}()
	}
	for i := range series {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, &SeriesError{Index: i, Err: err}
		}
	}
	return out, nil
}

// SeriesError is the failure of a detector on one series of DetectAll.
type SeriesError struct {
	Index int
	Err   error
}

func (e *SeriesError) Error() string { return fmt.Sprintf("series %d: %v", e.Index, e.Err) }
func (e *SeriesError) Unwrap() error { return e.Err }
