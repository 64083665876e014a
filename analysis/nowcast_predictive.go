package analysis

import (
	"math"
)

// The predictive distribution of a week's final count (Höhle & an der
// Heiden 2014, section 3; surveillance's dpost.bnb). Before any report the
// final count is N ~ NegBin(mean mu, size k), i.e. Poisson(lambda) with
// lambda ~ Gamma(k, k/mu). Each case is seen by now with probability p =
// F(now-t), independently, so the y cases seen so far and the U = N - y not
// yet seen are independent Poisson(lambda p) and Poisson(lambda (1-p)) given
// lambda; the posterior of lambda is Gamma(k+y, k/mu + p) and
//
//	U | y, p ~ NegBin(size k+y, failure probability q = (1-p) mu/(mu+k)),
//	P(U = u) = Gamma(u+k+y)/(u! Gamma(k+y)) q^u (1-q)^(k+y).
//
// surveillance writes the same thing unnormalised as
// exp(lgamma(N+size) - lgamma(N-y+1) + N log((1-p) mu/(mu+size))).
// The uncertainty of F enters by averaging this PMF over posterior draws of
// the delay CDF (surveillance's pmfBySampling).

// NBPrior is the negative-binomial prior of a week's final count: mean Mean
// and size Size (variance Mean + Mean^2/Size). Mean 0 means no case is
// expected; the nowcast is then what has been seen.
type NBPrior struct {
	Mean float64
	Size float64
}

// unseenNB returns the size r and failure probability q of the
// negative-binomial law of the cases not yet seen (see above).
func unseenNB(y, p float64, pr NBPrior) (r, q float64) {
	r = pr.Size + y
	if pr.Mean <= 0 || p >= 1 {
		return r, 0
	}
	if p < 0 {
		p = 0
	}
	q = (1 - p) * pr.Mean / (pr.Mean + pr.Size)
	return r, q
}

// addNBPMF adds w times the NegBin(r, q) PMF of u = 0, 1, ... to acc,
// growing it as needed, until the remaining tail mass is below tailEps or
// u reaches maxU. It returns acc.
func addNBPMF(acc []float64, r, q, w float64, maxU int) []float64 {
	if q <= 0 || r <= 0 {
		if len(acc) == 0 {
			acc = append(acc, 0)
		}
		acc[0] += w
		return acc
	}
	const tailEps = 1e-12
	// Walk the PMF in logs, P(u+1) = P(u) (u+r)/(u+1) q, so that a wide
	// distribution whose first terms underflow is still summed right.
	logpmf := r * math.Log1p(-q) // log P(U=0)
	logq := math.Log(q)
	cum := 0.0
	mean := r * q / (1 - q)
	for u := 0; u <= maxU; u++ {
		if u >= len(acc) {
			acc = append(acc, 0)
		}
		pmf := math.Exp(logpmf)
		acc[u] += w * pmf
		cum += pmf
		// Past the mean the PMF decreases: stop when the tail is
		// negligible (or rounding keeps cum just below 1).
		if float64(u) > mean && (1-cum < tailEps || pmf < tailEps*1e-3) {
			break
		}
		logpmf += math.Log((float64(u)+r)/float64(u+1)) + logq
	}
	return acc
}

// maxUnseen bounds the support of the unseen-count PMF: far beyond any
// plausible week of one unit, small enough to bound memory on bad input.
const maxUnseen = 1 << 20

// predictive is the mixture PMF of the unseen count over the draws of p.
type predictive struct {
	pmf  []float64 // P(U = u), sums to ~1
	mean float64   // E[U]
}

// mixPredictive averages the unseen-count PMF over the draws ps of the share
// reported (one per posterior draw of the delay CDF).
func mixPredictive(y float64, ps []float64, pr NBPrior) predictive {
	var out predictive
	w := 1 / float64(len(ps))
	for _, p := range ps {
		r, q := unseenNB(y, p, pr)
		out.pmf = addNBPMF(out.pmf, r, q, w, maxUnseen)
		if q > 0 {
			out.mean += w * r * q / (1 - q)
		}
	}
	return out
}

// quantile returns the smallest u with P(U <= u) > prob, surveillance's
// rule (which.max(cumsum(P) > prob)).
func (pd predictive) quantile(prob float64) float64 {
	var cum float64
	for u, v := range pd.pmf {
		cum += v
		if cum > prob {
			return float64(u)
		}
	}
	return float64(len(pd.pmf) - 1)
}

// mass returns P(lo <= U <= hi).
func (pd predictive) mass(lo, hi float64) float64 {
	var m float64
	for u := int(lo); u <= int(hi) && u < len(pd.pmf); u++ {
		if u >= 0 {
			m += pd.pmf[u]
		}
	}
	return m
}
