package geo

import (
	"math"
	"sort"
)

// labelPoint returns a point inside a feature's polygons, for a label or a
// marker: on the horizontal line through the centroid of the largest ring,
// the middle of the widest stretch that lies inside the feature. Inside is
// decided by the even-odd rule over all rings, so holes and the parts of a
// MultiPolygon count correctly without knowing which ring is which. A
// centroid alone can fall outside a crescent- or L-shaped unit. Degenerate
// rings (no area, no crossing) fall back to the mean of the vertices.
func labelPoint(rings [][][2]float64) (x, y float64) {
	best, bestArea := -1, 0.0
	for i, r := range rings {
		if a := math.Abs(ringArea(r)); best < 0 || a > bestArea {
			best, bestArea = i, a
		}
	}
	if best < 0 || len(rings[best]) == 0 {
		return 0, 0
	}
	if bestArea == 0 {
		return meanPoint(rings[best])
	}
	cx, cy := ringCentroid(rings[best])
	var xs []float64
	for _, r := range rings {
		for k := 0; k < len(r); k++ {
			p, q := r[k], r[(k+1)%len(r)]
			// Half-open rule: a vertex exactly on the line is counted once.
			if (p[1] <= cy) != (q[1] <= cy) {
				xs = append(xs, p[0]+(cy-p[1])*(q[0]-p[0])/(q[1]-p[1]))
			}
		}
	}
	sort.Float64s(xs)
	width := -1.0
	x = cx
	for k := 0; k+1 < len(xs); k += 2 {
		if w := xs[k+1] - xs[k]; w > width {
			width, x = w, (xs[k]+xs[k+1])/2
		}
	}
	if width < 0 {
		return meanPoint(rings[best])
	}
	return x, cy
}

// ringArea is the signed area of a ring (shoelace formula; the ring may or
// may not repeat its first point at the end).
func ringArea(r [][2]float64) float64 {
	s := 0.0
	for k := range r {
		p, q := r[k], r[(k+1)%len(r)]
		s += p[0]*q[1] - q[0]*p[1]
	}
	return s / 2
}

// ringCentroid is the area centroid of a ring with non-zero area, computed
// relative to its first vertex so large projected coordinates (metres in the
// millions) keep their precision.
func ringCentroid(r [][2]float64) (x, y float64) {
	ox, oy := r[0][0], r[0][1]
	var a, sx, sy float64
	for k := range r {
		p, q := r[k], r[(k+1)%len(r)]
		px, py, qx, qy := p[0]-ox, p[1]-oy, q[0]-ox, q[1]-oy
		c := px*qy - qx*py
		a += c
		sx += (px + qx) * c
		sy += (py + qy) * c
	}
	return ox + sx/(3*a), oy + sy/(3*a)
}

func meanPoint(r [][2]float64) (x, y float64) {
	for _, p := range r {
		x += p[0]
		y += p[1]
	}
	return x / float64(len(r)), y / float64(len(r))
}
