package synthgeo

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Config says what to generate.
type Config struct {
	Units     int     // number of current units (default 3,321)
	Provinces int     // number of provinces the units are split into (default 34)
	Seed      uint64  // random seed: same seed, same files
	CellKm    float64 // side of a grid cell in km (default 10, about 100 km² a unit)
}

// DefaultConfig is the national scale of 2025: 3,321 units in 34 provinces.
func DefaultConfig() Config {
	return Config{Units: 3321, Provinces: 34, Seed: 1, CellKm: 10}
}

// Validate reports whether the configuration can be generated.
func (c Config) Validate() error {
	switch {
	case c.Units < 2 || c.Units > 1_000_000:
		return fmt.Errorf("synthgeo: Units %d must be in [2, 1000000]", c.Units)
	case c.Provinces < 1 || c.Provinces > c.Units:
		return fmt.Errorf("synthgeo: Provinces %d must be in [1, Units]", c.Provinces)
	case !(c.CellKm > 0) || c.CellKm > 1000:
		return fmt.Errorf("synthgeo: CellKm %g must be in (0, 1000]", c.CellKm)
	}
	return nil
}

// Unit is one generated unit.
type Unit struct {
	Code, Name, FullName, Type string
	ProvinceCode, ProvinceName string
	Population                 int64
	AreaKm2                    float64
	LabelLon, LabelLat         float64
	Ring                       [][2]float64 // closed ring, lon/lat, counter-clockwise
}

// Pair is a neighbour pair with the length of the shared border.
type Pair struct {
	A             string  `json:"a"`
	B             string  `json:"b"`
	SharedBorderM float64 `json:"shared_border_m"`
}

// Geography is a generated geography.
type Geography struct {
	Units []Unit
	Pairs []Pair
}

// Origin of the grid (south-west corner), roughly inside Vietnam's bounding box.
const (
	originLon = 103.0
	originLat = 9.0
	kmPerDeg  = 111.32
	jitter    = 0.3 // vertex displacement as a share of the cell side
)

var stems = []string{"Tân Lập", "An Bình", "Hòa Phú", "Phú Thọ", "Đông Hưng", "Tây Sơn", "Bình Minh", "Quang Trung",
	"Hưng Đạo", "Thanh Xuân", "Vĩnh Phúc", "Long Hải", "Hải Châu", "Kim Liên", "Thuận An", "Mỹ Lộc"}

// Generate builds the geography: units are the first Units cells of a
// cols x rows grid in row-major order; province p holds the units
// [p*N/P, (p+1)*N/P). Cells sharing an edge are neighbours (rook
// contiguity); corner-only contacts are not listed.
func Generate(c Config) (*Geography, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cols := int(math.Ceil(math.Sqrt(float64(c.Units))))
	rows := (c.Units + cols - 1) / cols
	r := rand.New(rand.NewPCG(c.Seed, 0x5eed9e0))
	dLat := c.CellKm / kmPerDeg
	dLon := c.CellKm / (kmPerDeg * math.Cos((originLat+float64(rows)*dLat/2)*math.Pi/180))
	// Shared vertices: (rows+1) x (cols+1); the outer frame is not jittered.
	vx := make([][2]float64, (rows+1)*(cols+1))
	for i := 0; i <= rows; i++ {
		for j := 0; j <= cols; j++ {
			jx, jy := 0.0, 0.0
			if i > 0 && i < rows && j > 0 && j < cols {
				jx, jy = (r.Float64()*2-1)*jitter, (r.Float64()*2-1)*jitter
			}
			vx[i*(cols+1)+j] = [2]float64{
				round6(originLon + (float64(j)+jx)*dLon),
				round6(originLat + (float64(i)+jy)*dLat),
			}
		}
	}
	v := func(i, j int) [2]float64 { return vx[i*(cols+1)+j] }
	g := &Geography{Units: make([]Unit, c.Units)}
	for k := range g.Units {
		i, j := k/cols, k%cols
		p := k * c.Provinces / c.Units
		ring := [][2]float64{v(i, j), v(i, j+1), v(i+1, j+1), v(i+1, j), v(i, j)}
		lon, lat, area := centroid(ring)
		typ := "Xã"
		if r.IntN(5) == 0 {
			typ = "Phường"
		}
		name := fmt.Sprintf("%s %d", stems[r.IntN(len(stems))], k+1)
		g.Units[k] = Unit{
			Code: fmt.Sprintf("%05d", k+1), Name: name, FullName: typ + " " + name, Type: typ,
			ProvinceCode: fmt.Sprintf("%02d", p+1), ProvinceName: fmt.Sprintf("Tỉnh Tổng Hợp %d", p+1),
			Population: int64(math.Round(math.Exp(9.9 + 0.6*r.NormFloat64()))),
			AreaKm2:    math.Round(area*100) / 100, LabelLon: round6(lon), LabelLat: round6(lat), Ring: ring,
		}
	}
	for k := range g.Units {
		i, j := k/cols, k%cols
		if j+1 < cols && k+1 < c.Units { // east neighbour shares the edge (i,j+1)-(i+1,j+1)
			g.Pairs = append(g.Pairs, Pair{g.Units[k].Code, g.Units[k+1].Code, edgeM(v(i, j+1), v(i+1, j+1))})
		}
		if k+cols < c.Units { // north neighbour shares the edge (i+1,j)-(i+1,j+1)
			g.Pairs = append(g.Pairs, Pair{g.Units[k].Code, g.Units[k+cols].Code, edgeM(v(i+1, j), v(i+1, j+1))})
		}
	}
	return g, nil
}

// centroid returns the area-weighted centroid (planar, in degrees) and the
// area in km² (equirectangular at the ring's latitude) of a closed ring.
func centroid(ring [][2]float64) (lon, lat, km2 float64) {
	var a, cx, cy float64
	for i := 0; i+1 < len(ring); i++ {
		x0, y0, x1, y1 := ring[i][0], ring[i][1], ring[i+1][0], ring[i+1][1]
		cr := x0*y1 - x1*y0
		a += cr
		cx += (x0 + x1) * cr
		cy += (y0 + y1) * cr
	}
	a /= 2
	lon, lat = cx/(6*a), cy/(6*a)
	km2 = math.Abs(a) * kmPerDeg * kmPerDeg * math.Cos(lat*math.Pi/180)
	return lon, lat, km2
}

// edgeM is the equirectangular length of a segment in metres.
func edgeM(p, q [2]float64) float64 {
	lat := (p[1] + q[1]) / 2 * math.Pi / 180
	dx := (q[0] - p[0]) * math.Cos(lat) * kmPerDeg * 1000
	dy := (q[1] - p[1]) * kmPerDeg * 1000
	return math.Round(math.Hypot(dx, dy)*10) / 10
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// File names written by Write.
const (
	GazetteerFile  = "synth_communes.csv"
	BoundariesFile = "synth_communes.geojson"
	NeighboursFile = "synth_communes_adjacency_pairs.json"
)

// Write writes the gazetteer, boundaries and neighbour pairs into dir
// (created if missing), in the shapes geo.LoadDir reads.
func (g *Geography) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("synthgeo: %w", err)
	}
	if err := writeFile(filepath.Join(dir, GazetteerFile), g.writeGazetteer); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, BoundariesFile), g.writeGeoJSON); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, NeighboursFile), func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		return enc.Encode(g.Pairs)
	})
}

func writeFile(path string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synthgeo: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return fmt.Errorf("synthgeo: %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("synthgeo: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synthgeo: %w", err)
	}
	return nil
}

func (g *Geography) writeGazetteer(w *bufio.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"code", "name", "full_name", "type", "province_code", "province_name", "population", "area_km2", "label_lon", "label_lat"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, u := range g.Units {
		cw.Write([]string{u.Code, u.Name, u.FullName, u.Type, u.ProvinceCode, u.ProvinceName,
			strconv.FormatInt(u.Population, 10), f(u.AreaKm2), f(u.LabelLon), f(u.LabelLat)})
	}
	cw.Flush()
	return cw.Error()
}

func (g *Geography) writeGeoJSON(w *bufio.Writer) error {
	type geom struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   geom              `json:"geometry"`
	}
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, u := range g.Units {
		b, err := json.Marshal(feature{"Feature",
			map[string]string{"code": u.Code, "name": u.FullName, "province": u.ProvinceName},
			geom{"Polygon", [][][2]float64{u.Ring}}})
		if err != nil {
			return err
		}
		if i > 0 {
			w.WriteString(",\n")
		}
		w.Write(b)
	}
	_, err := w.WriteString("\n]}\n")
	return err
}
