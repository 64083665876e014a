package analysis_test

import (
	"fmt"

	"github.com/canhbao/canhbao/analysis"
)

func ExampleNegBinomUpperTail() {
	// Seven cases in four weeks where the model expects two, with
	// over-dispersion 1/size = 0.25.
	fmt.Printf("%.4f\n", analysis.NegBinomUpperTail(7, 2, 4)) // R: pnbinom(6, size=4, mu=2, lower.tail=FALSE)
	// Output: 0.0197
}

func ExampleBenjaminiHochberg() {
	q := analysis.BenjaminiHochberg([]float64{0.01, 0.02, 0.03, 0.04, 0.05})
	fmt.Printf("%.4g\n", q)
	// Output: [0.05 0.05 0.05 0.05 0.05]
}
