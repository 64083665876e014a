package analysis

import (
	"math"
	"testing"
)

func TestFeaturePoissonTail(t *testing.T) {
	for _, c := range []struct{ y, mu, want float64 }{
		{0, 0.3, 0},
		{1, 0.3, -math.Log10(1 - math.Exp(-0.3))},
		{2, 0.5, -math.Log10(1 - math.Exp(-0.5)*(1+0.5))},
		{3, 1e-9, pCap},
		{1, 0, pCap},
	} {
		if got := poissonTail(c.y, c.mu); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("poissonTail(%v, %v) = %v, want %v", c.y, c.mu, got, c.want)
		}
	}
}
