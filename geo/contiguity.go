package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// DefaultSnap is the default snapping distance of QueenContiguity in
// coordinate units: spdep::poly2nb's default sqrt(.Machine$double.eps).
var DefaultSnap = math.Sqrt(2.220446049250313e-16)

// QueenContiguity reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features and returns the feature ids (the property idProp,
// string or number, in file order) and the pairs of features that are queen
// contiguous: they share at least one boundary point. Each pair appears once,
// with A < B in file order of the features, sorted.
//
// Two features share a boundary point when a vertex of one lies within snap
// (Euclidean distance in coordinate units) of a vertex of the other — the rule
// of spdep::poly2nb(queen = TRUE) — or, with onEdges, also when a vertex of one
// lies within snap of an edge of the other (a "T-junction", where one boundary
// was digitised with a vertex the other lacks; common after simplification).
// snap <= 0 means DefaultSnap. For degrees on a map of a city, a snap of about
// 1e-6 (0.1 m) absorbs rounding in coordinates written with 6 decimals.
//
// Vertices are hashed into a grid of square cells of side snap, so each vertex
// is compared only with the vertices in its own and the 8 surrounding cells;
// edges are indexed in a coarser grid by the cells they pass through. The cost is
// about linear in the number of vertices.
func QueenContiguity(data []byte, idProp string, snap float64, onEdges bool) (ids []string, pairs [][2]string, err error) {
	polys, ids, err := readPolygons(data, idProp)
	if err != nil {
		return nil, nil, err
	}
	if snap <= 0 || math.IsNaN(snap) {
		snap = DefaultSnap
	}
	type vtx struct {
		f    int
		x, y float64
	}
	type cell struct{ i, j int64 }
	key := func(x, y float64) cell { return cell{int64(math.Floor(x / snap)), int64(math.Floor(y / snap))} }
	grid := map[cell][]vtx{}
	for f, rings := range polys {
		for _, r := range rings {
			for _, p := range r {
				k := key(p[0], p[1])
				grid[k] = append(grid[k], vtx{f, p[0], p[1]})
			}
		}
	}
	type pair struct{ a, b int }
	found := map[pair]struct{}{}
	add := func(a, b int) {
		if a == b {
			return
		}
		if a > b {
			a, b = b, a
		}
		found[pair{a, b}] = struct{}{}
	}
	s2 := snap * snap
	for c, vs := range grid {
		for di := int64(-1); di <= 1; di++ {
			for dj := int64(-1); dj <= 1; dj++ {
				ws := grid[cell{c.i + di, c.j + dj}]
				for _, v := range vs {
					for _, u := range ws {
						if u.f == v.f {
							continue
						}
						if dx, dy := u.x-v.x, u.y-v.y; dx*dx+dy*dy <= s2 {
							add(u.f, v.f)
						}
					}
				}
			}
		}
	}
	if onEdges {
		edgePairs(polys, snap, add)
	}
	for p := range found {
		pairs = append(pairs, [2]string{ids[p.a], ids[p.b]})
	}
	order := make(map[string]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if order[a[0]] != order[b[0]] {
			return order[a[0]] < order[b[0]]
		}
		return order[a[1]] < order[b[1]]
	})
	return ids, pairs, nil
}

// QueenNeighbours is QueenContiguity as neighbour pairs of a geography (with
// no shared border length: queen contiguity does not measure it).
func QueenNeighbours(data []byte, idProp string, snap float64, onEdges bool) ([]models.Neighbour, error) {
	_, pairs, err := QueenContiguity(data, idProp, snap, onEdges)
	if err != nil {
		return nil, err
	}
	out := make([]models.Neighbour, len(pairs))
	for i, p := range pairs {
		out[i] = models.Neighbour{A: p[0], B: p[1]}
	}
	return out, nil
}

// edgePairs finds vertices lying within snap of an edge of another feature.
// Edges are put in a grid whose cell side is the median edge length (at least
// 4 snap and a 1024th of the longest edge), in every cell they pass through; a vertex is tested against the
// edges of its own and the 8 surrounding cells.
func edgePairs(polys [][][][2]float64, snap float64, add func(a, b int)) {
	var lens []float64
	for _, rings := range polys {
		for _, r := range rings {
			for k := 1; k < len(r); k++ {
				lens = append(lens, math.Hypot(r[k][0]-r[k-1][0], r[k][1]-r[k-1][1]))
			}
		}
	}
	if len(lens) == 0 {
		return
	}
	sort.Float64s(lens)
	// Any cell side of at least 4 snap is correct; the median keeps cells
	// small for real maps, and a 1024th of the longest edge bounds the cells
	// one segment passes through (one absurd vertex at 1e12 must not make
	// the sampling loop below run for ever).
	size := math.Max(math.Max(lens[len(lens)/2], 4*snap), lens[len(lens)-1]/1024)
	if math.IsInf(size, 0) || math.IsNaN(size) {
		return // coordinates near the float64 limit: the vertex rule alone
	}
	type cell struct{ i, j int64 }
	type seg struct {
		f              int
		x0, y0, x1, y1 float64
	}
	grid := map[cell][]seg{}
	for f, rings := range polys {
		for _, r := range rings {
			for k := 1; k < len(r); k++ {
				s := seg{f, r[k-1][0], r[k-1][1], r[k][0], r[k][1]}
				// Sample the segment every size/2: every point of it is then
				// within size/4 of a sample, so a vertex within snap of the
				// segment lies in a cell next to a sampled one.
				steps := int(math.Ceil(math.Hypot(s.x1-s.x0, s.y1-s.y0)/(size/2))) + 1
				var last cell
				for q := 0; q <= steps; q++ {
					u := float64(q) / float64(steps)
					c := cell{int64(math.Floor((s.x0 + u*(s.x1-s.x0)) / size)), int64(math.Floor((s.y0 + u*(s.y1-s.y0)) / size))}
					if q > 0 && c == last {
						continue
					}
					last = c
					grid[c] = append(grid[c], s)
				}
			}
		}
	}
	for f, rings := range polys {
		for _, r := range rings {
			for _, p := range r {
				ci, cj := int64(math.Floor(p[0]/size)), int64(math.Floor(p[1]/size))
				for di := int64(-1); di <= 1; di++ {
					for dj := int64(-1); dj <= 1; dj++ {
						for _, s := range grid[cell{ci + di, cj + dj}] {
							if s.f != f && segDist2(p[0], p[1], s.x0, s.y0, s.x1, s.y1) <= snap*snap {
								add(f, s.f)
							}
						}
					}
				}
			}
		}
	}
}

// segDist2 returns the squared distance from (px, py) to the segment
// (x0, y0)-(x1, y1).
func segDist2(px, py, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
	}
	ex, ey := x0+t*dx-px, y0+t*dy-py
	return ex*ex + ey*ey
}

// readPolygons returns the rings (outer and holes) of each feature.
func readPolygons(data []byte, idProp string) (polys [][][][2]float64, ids []string, err error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, nil, fmt.Errorf("geo: GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, fmt.Errorf("geo: GeoJSON: type %q, want FeatureCollection", fc.Type)
	}
	seen := map[string]int{}
	for n, f := range fc.Features {
		raw, ok := f.Properties[idProp]
		if !ok {
			return nil, nil, fmt.Errorf("geo: GeoJSON feature %d: no property %q", n+1, idProp)
		}
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			var num json.Number
			if err := json.Unmarshal(raw, &num); err != nil {
				return nil, nil, fmt.Errorf("geo: GeoJSON feature %d: property %q is neither string nor number", n+1, idProp)
			}
			id = num.String()
		}
		if prev, dup := seen[id]; dup {
			return nil, nil, fmt.Errorf("geo: GeoJSON features %d and %d share %s %q", prev+1, n+1, idProp, id)
		}
		seen[id] = n
		if f.Geometry == nil {
			return nil, nil, fmt.Errorf("geo: GeoJSON feature %d (%s): no geometry", n+1, id)
		}
		var rings [][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var c [][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
				return nil, nil, fmt.Errorf("geo: GeoJSON feature %d (%s): %w", n+1, id, err)
			}
			rings, err = toRings(c)
		case "MultiPolygon":
			var c [][][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
				return nil, nil, fmt.Errorf("geo: GeoJSON feature %d (%s): %w", n+1, id, err)
			}
			for _, poly := range c {
				r, e := toRings(poly)
				if e != nil {
					err = e
					break
				}
				rings = append(rings, r...)
			}
		default:
			return nil, nil, fmt.Errorf("geo: GeoJSON feature %d (%s): geometry %q, want Polygon or MultiPolygon", n+1, id, f.Geometry.Type)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("geo: GeoJSON feature %d (%s): %w", n+1, id, err)
		}
		polys = append(polys, rings)
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, nil, errors.New("geo: GeoJSON has no features")
	}
	return polys, ids, nil
}

func toRings(c [][][]float64) ([][][2]float64, error) {
	out := make([][][2]float64, 0, len(c))
	for _, ring := range c {
		r := make([][2]float64, 0, len(ring))
		for _, p := range ring {
			if len(p) < 2 || math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				return nil, fmt.Errorf("bad position %v", p)
			}
			r = append(r, [2]float64{p[0], p[1]})
		}
		out = append(out, r)
	}
	return out, nil
}
