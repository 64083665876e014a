package analysis

import (
	"math"
	"testing"
)

func TestBenjaminiHochberg(t *testing.T) {
	nan := math.NaN()
	for _, test := range []struct {
		name string
		p    []float64
		want []float64 // from R 4.2.2 p.adjust(p, "BH"), printed with digits = 15
		tol  float64
	}{
		{
			name: "equal",
			p:    []float64{0.01, 0.02, 0.03, 0.04, 0.05},
			want: []float64{0.05, 0.05, 0.05, 0.05, 0.05},
			tol:  1e-15,
		},
		{
			name: "ten",
			p:    []float64{0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216},
			want: []float64{0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.105714285714286, 0.216, 0.216, 0.216},
			tol:  1e-14,
		},
		{
			name: "unsorted with ties",
			p:    []float64{0.5, 0.01, 0.5, 0.003, 0.9},
			want: []float64{0.625, 0.025, 0.625, 0.015, 0.9},
			tol:  1e-15,
		},
		{
			name: "NA passed through",
			p:    []float64{0.02, nan, 0.01, 0.04},
			want: []float64{0.03, nan, 0.03, 0.04},
			tol:  1e-15,
		},
		{
			name: "capped at one",
			p:    []float64{1, 0.9},
			want: []float64{1, 1},
			tol:  0,
		},
		{name: "empty", p: nil, want: []float64{}},
	} {
		got := BenjaminiHochberg(test.p)
		if len(got) != len(test.want) {
			t.Fatalf("%s: got %d values, want %d", test.name, len(got), len(test.want))
		}
		for i := range got {
			if math.IsNaN(test.want[i]) {
				if !math.IsNaN(got[i]) {
					t.Errorf("%s: q[%d] = %v, want NaN", test.name, i, got[i])
				}
				continue
			}
			if math.Abs(got[i]-test.want[i]) > test.tol {
				t.Errorf("%s: q[%d] = %.15g, want %.15g", test.name, i, got[i], test.want[i])
			}
		}
	}
}
