package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ThresholdMethod selects how farringtonFlexible turns the fitted baseline
// into an upper bound.
type ThresholdMethod int

const (
	// Delta is Farrington et al. (1996): a normal prediction interval on the
	// power-transformed scale, with variance from the delta method,
	//
	//	U = (mu0^e + z_{1-alpha} sqrt(e² mu0^{2e-1} (phi + se²/mu0)))^{1/e}
	//
	// (e = 2/3 by default; the variance term reduces to 4/9 mu0^{1/3} tau).
	Delta ThresholdMethod = iota
	// NBPlugin is Noufaily et al. (2013): the (1-alpha) quantile of a
	// negative binomial with mean exp(eta0) and variance phi·mean.
	NBPlugin
	// Muan is Noufaily et al. (2013) with the mean replaced by the upper
	// (1-alpha) normal quantile of the linear predictor, exp(eta0 + z se).
	Muan
)

func (m ThresholdMethod) String() string {
	switch m {
	case Delta:
		return "delta"
	case NBPlugin:
		return "nbPlugin"
	case Muan:
		return "muan"
	}
	return "unknown"
}

// ParseThresholdMethod parses "delta", "nbPlugin" or "muan" (R's spelling;
// case-insensitive).
func ParseThresholdMethod(s string) (ThresholdMethod, bool) {
	switch lower(s) {
	case "delta":
		return Delta, true
	case "nbplugin":
		return NBPlugin, true
	case "muan":
		return Muan, true
	}
	return 0, false
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// threshold holds R's lu list: upper bound, P(Y >= y) and exceedance score.
type threshold struct {
	upper, prob, score float64
}

// thresholdDelta is R's algo.farrington.threshold.farrington: fit and se on
// the response scale.
func thresholdDelta(fit, se, phi float64, exponent float64, alpha, y float64) threshold {
	mu0 := fit
	tau := phi + se*se/mu0
	var sd float64
	switch exponent {
	case 1:
		sd = math.Sqrt(mu0 * tau)
	case 0.5:
		sd = math.Sqrt(tau / 4)
	default: // 2/3
		sd = math.Sqrt(4.0 / 9.0 * math.Cbrt(mu0) * tau)
	}
	z := distuv.UnitNormal.Quantile(1 - alpha)
	m := math.Pow(mu0, exponent)
	a, b := m-z*sd, m+z*sd
	upper := math.Max(pow(a, 1/exponent), pow(b, 1/exponent))
	if math.IsNaN(pow(a, 1/exponent)) {
		upper = pow(b, 1/exponent)
	}
	prob := distuv.Normal{Mu: m, Sigma: sd}.Survival(math.Pow(y, exponent))
	score := math.NaN()
	if !math.IsNaN(upper) {
		score = (y - fit) / (upper - fit)
	}
	return threshold{upper: upper, prob: prob, score: score}
}

// pow is R's ^ for the bounds: NaN for a negative base and a fractional power.
func pow(x, e float64) float64 {
	if x < 0 && e != math.Trunc(e) {
		return math.NaN()
	}
	return math.Pow(x, e)
}

// thresholdNoufaily is R's algo.farrington.threshold.noufaily: eta and se on
// the link scale. As in R, the score is (y - eta)/(U - eta) with eta on the
// link scale; alarms are score > 1 and y > 0.
func thresholdNoufaily(eta, se, phi float64, muan bool, alpha, y float64) threshold {
	mu := math.Exp(eta)
	if muan {
		mu = math.Exp(eta + distuv.UnitNormal.Quantile(1-alpha)*se)
	}
	if math.IsInf(mu, 1) || math.IsNaN(mu) {
		return threshold{upper: math.NaN(), prob: math.NaN(), score: math.NaN()}
	}
	var upper, prob float64
	if phi > 1 {
		size := mu / (phi - 1)
		upper = qNegBinom(1-alpha, size, phi)
		prob = negBinomUpper(y, size, phi)
	} else {
		upper = qPoisson(1-alpha, mu)
		prob = poissonUpper(y, mu)
	}
	return threshold{upper: upper, prob: prob, score: (y - eta) / (upper - eta)}
}
