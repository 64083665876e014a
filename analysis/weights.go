package analysis

import (
	"fmt"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// WeightStyle says how the neighbour weights of an area are scaled.
type WeightStyle int

const (
	// Binary gives every neighbour weight 1 (spdep style "B").
	Binary WeightStyle = iota
	// RowStandardised gives each of the k neighbours of an area weight 1/k, so
	// that the weights of every row sum to 1 (spdep style "W").
	RowStandardised
)

// String returns the spdep letter of the style.
func (s WeightStyle) String() string {
	if s == RowStandardised {
		return "W"
	}
	return "B"
}

// Weights is a sparse spatial weights matrix over n areas: row i holds the
// neighbours Neigh[i] of area i (sorted, no repeats) and their weights W[i].
// Areas without neighbours (islands) have empty rows; the local statistics
// return NaN for them, as spdep does with zero.policy = TRUE.
type Weights struct {
	IDs   []string    // area identifiers; index i is area i
	Neigh [][]int     // neighbours of each area
	W     [][]float64 // weights, parallel to Neigh
	Style WeightStyle
	Self  bool // whether each area is its own neighbour (Gi* weights)
}

// NewWeights builds the binary, symmetric contiguity weights of the areas ids
// from an edge list of id pairs. An edge a-b makes a and b neighbours of each
// other whether it is listed once or in both directions; repeated edges count
// once. An id that is not in ids, an id listed twice in ids and an edge from an
// area to itself are errors.
func NewWeights(ids []string, edges [][2]string) (*Weights, error) {
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := index[id]; dup {
			return nil, fmt.Errorf("analysis: area %q listed twice", id)
		}
		index[id] = i
	}
	sets := make([]map[int]struct{}, len(ids))
	for k, e := range edges {
		a, ok := index[e[0]]
		if !ok {
			return nil, fmt.Errorf("analysis: edge %d: unknown area %q", k+1, e[0])
		}
		b, ok := index[e[1]]
		if !ok {
			return nil, fmt.Errorf("analysis: edge %d: unknown area %q", k+1, e[1])
		}
		if a == b {
			return nil, fmt.Errorf("analysis: edge %d: area %q is its own neighbour", k+1, e[0])
		}
		for _, p := range [2][2]int{{a, b}, {b, a}} {
			if sets[p[0]] == nil {
				sets[p[0]] = map[int]struct{}{}
			}
			sets[p[0]][p[1]] = struct{}{}
		}
	}
	w := &Weights{IDs: append([]string(nil), ids...), Neigh: make([][]int, len(ids)), W: make([][]float64, len(ids))}
	for i, s := range sets {
		nb := make([]int, 0, len(s))
		for j := range s {
			nb = append(nb, j)
		}
		sort.Ints(nb)
		w.Neigh[i] = nb
	}
	w.setStyle(Binary)
	return w, nil
}

// WeightsFromNeighbours builds binary weights over ids from the neighbour
// pairs of a geography (models.Geography.Neighbours).
func WeightsFromNeighbours(ids []string, nb []models.Neighbour) (*Weights, error) {
	edges := make([][2]string, len(nb))
	for i, p := range nb {
		edges[i] = [2]string{p.A, p.B}
	}
	return NewWeights(ids, edges)
}

// N returns the number of areas.
func (w *Weights) N() int { return len(w.IDs) }

// Links returns the number of non-zero off-diagonal weights (spdep's "nonzero
// links" without self links; each unordered pair counts twice).
func (w *Weights) Links() int {
	var n int
	for i, nb := range w.Neigh {
		n += len(nb)
		if w.Self && len(nb) > 0 {
			for _, j := range nb {
				if j == i {
					n--
				}
			}
		}
	}
	return n
}

// WithStyle returns a copy of w with the weights of style s.
func (w *Weights) WithStyle(s WeightStyle) *Weights {
	c := w.clone()
	c.setStyle(s)
	return c
}

// WithSelf returns a copy of w in which every area is also its own neighbour
// (spdep's include.self), with the weights of w's style recomputed: binary
// self weight 1, or 1/(k+1) for all k+1 members when row-standardised. This is
// the weights matrix of the Gi* statistic.
func (w *Weights) WithSelf() *Weights {
	if w.Self {
		return w.clone()
	}
	c := w.clone()
	for i, nb := range c.Neigh {
		k := sort.SearchInts(nb, i)
		nb = append(nb, 0)
		copy(nb[k+1:], nb[k:])
		nb[k] = i
		c.Neigh[i] = nb
	}
	c.Self = true
	c.setStyle(w.Style)
	return c
}

func (w *Weights) clone() *Weights {
	c := &Weights{IDs: w.IDs, Style: w.Style, Self: w.Self, Neigh: make([][]int, len(w.Neigh)), W: make([][]float64, len(w.W))}
	for i := range w.Neigh {
		c.Neigh[i] = append([]int(nil), w.Neigh[i]...)
		c.W[i] = append([]float64(nil), w.W[i]...)
	}
	return c
}

func (w *Weights) setStyle(s WeightStyle) {
	w.Style = s
	for i, nb := range w.Neigh {
		row := make([]float64, len(nb))
		v := 1.0
		if s == RowStandardised && len(nb) > 0 {
			v = 1 / float64(len(nb))
		}
		for k := range row {
			row[k] = v
		}
		w.W[i] = row
	}
}

// Lag returns the spatial lag Σ_j w_ij x_j of every area. It panics if
// len(x) != w.N().
func (w *Weights) Lag(x []float64) []float64 {
	if len(x) != w.N() {
		panic("analysis: slice length mismatch")
	}
	out := make([]float64, len(x))
	for i, nb := range w.Neigh {
		var s float64
		for k, j := range nb {
			s += w.W[i][k] * x[j]
		}
		out[i] = s
	}
	return out
}

// rowSums returns W_i = Σ_j w_ij and S1_i = Σ_j w_ij² of row i.
func (w *Weights) rowSums(i int) (wi, s1i float64) {
	for _, v := range w.W[i] {
		wi += v
		s1i += v * v
	}
	return wi, s1i
}

// hasOther reports whether area i has a neighbour other than itself.
func (w *Weights) hasOther(i int) bool {
	for _, j := range w.Neigh[i] {
		if j != i {
			return true
		}
	}
	return false
}
