package benchsuite

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/canhbao/canhbao/analysis"
)

// syntheticPanelPath is the seeded panel of 1,000 negative-binomial series x
// 312 weeks of ../shared/data/reference/scripts/03_timing_synthetic.R, read in
// place.
var syntheticPanelPath = filepath.Join("..", "..", "shared", "data", "reference", "synthetic", "panel_counts.csv.gz")

// firstSeries returns the first n series of the synthetic panel in file
// order (the order scripts/bench_farrington.R takes them in), so the Go and
// R timings of scripts/bench.sh are on the same series and weeks.
func firstSeries(b *testing.B, n int) []analysis.Series {
	b.Helper()
	fh, err := os.Open(syntheticPanelPath)
	if err != nil {
		b.Skipf("synthetic panel not available: %v", err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		b.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		b.Fatal(err)
	}
	var out []analysis.Series
	last := ""
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if rec[0] != last {
			if len(out) == n {
				break
			}
			last = rec[0]
			out = append(out, analysis.Series{Freq: 52})
		}
		c, err := strconv.ParseFloat(rec[5], 64)
		if err != nil {
			b.Fatal(err)
		}
		out[len(out)-1].Counts = append(out[len(out)-1].Counts, c)
	}
	if len(out) < n {
		b.Fatalf("CANHBAO_BENCH_SERIES=%d: the panel has %d series", n, len(out))
	}
	return out
}

// BenchmarkDetectorsSubset runs Noufaily and Farrington 1996 (the settings of
// 03_timing_synthetic.R, which analysis tests against R's alarms) on the last
// 49 weeks (t = 264..312) of the first $CANHBAO_BENCH_SERIES series (default
// 100) of the synthetic panel, the subset scripts/bench_farrington.R times R
// on, with analysis.DetectAll on all cores as analyze runs it. Reports wall
// seconds, µs per series-week and the number of alarms of each method (to set
// beside R's count from the same run).
func BenchmarkDetectorsSubset(b *testing.B) {
	series := firstSeries(b, envInt("CANHBAO_BENCH_SERIES", 100))
	for _, m := range []struct {
		name string
		d    *analysis.Farrington
	}{{"noufaily", analysis.NewNoufaily()}, {"farrington", analysis.NewFarrington1996()}} {
		b.Run(m.name, func(b *testing.B) {
			from := m.d.MinHistory(52)
			sw := 0
			for _, s := range series {
				sw += len(s.Counts) - from
			}
			alarms := 0
			for b.Loop() {
				res, err := analysis.DetectAll(m.d, series, from, 0)
				if err != nil {
					b.Fatal(err)
				}
				alarms = 0
				for _, rs := range res {
					for _, x := range rs {
						if x.Alarm {
							alarms++
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(sw), "µs/series-week")
			b.ReportMetric(float64(sw), "series-weeks")
			b.ReportMetric(float64(alarms), "alarms")
		})
	}
}
