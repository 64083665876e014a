package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

var (
	crosswalkName = regexp.MustCompile(`(?i)crosswalk_(\d{4}(?:\d{2})?)_to_(\d{4}(?:\d{2})?)`)
	vintageName   = regexp.MustCompile(`(?i)units_(\d{4}(?:\d{2})?)\.csv$`)
)

// LoadDir reads every geography file in dir. Files are recognised by their
// columns (and, for vintages, by name):
//
//   - gazetteer of current units: a CSV with columns code, name (full_name, type,
//     name_en, population_bando|population, area_km2_bando|area_km2, label_lon, label_lat optional);
//   - unit list of an earlier vintage: *units_<V>.csv with district_code, district_name,
//     ward_code, ward_name (V is YYYY or YYYYMM);
//   - crosswalk: *crosswalk_<OLD>_to_<NEW>.csv with ward_code_new (the current unit) and
//     ward_code_<OLD> or ward_code_old; links between two old vintages are skipped;
//   - neighbour pairs: a JSON array of {a, b, shared_border_m};
//   - boundaries: *.geojson FeatureCollection whose features carry properties.code;
//     a file with "simplified" in its name is preferred for drawing.
//
// Without a gazetteer CSV, a single GeoJSON is the gazetteer (see Load).
// Without neighbour pairs, the neighbours are the queen-contiguous units of the
// boundaries drawn.
//
// Validity dates come from the vintages: a YYYYMM vintage starts on the first
// of that month, the current units start at the newest crosswalk target, and
// each vintage ends the day before the next one starts.
func LoadDir(dir string) (*models.Geography, error) {
	g, _, err := Load(dir, Options{})
	return g, err
}

// QueenSnap is the snapping distance Load uses for queen contiguity: 1e-6,
// about 0.1 m in degrees, which absorbs coordinates rounded to 6 decimals and
// is far below any gap between neighbourhoods in projected metres too.
const QueenSnap = 1e-6

// Options changes how Load reads a geography; the zero value is LoadDir.
type Options struct {
	// Properties name the feature properties the current units are read
	// from when there is no gazetteer CSV (empty fields are detected). With
	// a gazetteer CSV only Code may be set: the boundary property that holds
	// the gazetteer's codes, when it is not "code".
	Properties FeatureProperties
	// Snap is the QueenContiguity snap when neighbours are computed from
	// the boundaries; <= 0 means QueenSnap.
	Snap float64
}

// Info says where Load found what it did not read from a file of its own.
type Info struct {
	UnitsFrom       string            // the gazetteer CSV or GeoJSON the current units come from
	FromGeoJSON     bool              // the gazetteer was derived from GeoJSON features
	Properties      FeatureProperties // the properties used when FromGeoJSON (Name empty: codes are the names)
	QueenNeighbours bool              // neighbours computed by queen contiguity of the map
}

// Load reads a geography from path: a directory as LoadDir describes, or a
// single .geojson file. When there is no gazetteer CSV, the one GeoJSON
// FeatureCollection of path is the gazetteer: each feature is a current unit,
// its code and name taken from the properties opt.Properties names or, where
// empty, detects (a property called code, id, unit, …, else one ending in
// _id, _num, code; a name, ten, label, …, else one ending in name); codes are
// strings (a number 12.0 is "12"), unique and never empty; with no name
// property the code is the name. Its label point is a point inside its
// polygons. Such units are valid on every date (or from the newest crosswalk
// target, when there are older unit lists), so logbooks of any date resolve to
// them by code or by name. The map keeps the geometries with properties code
// and name only.
//
// When no neighbour-pairs JSON is present and a map is, the neighbours are
// QueenNeighbours of the map with snap opt.Snap and the edge rule
// (T-junctions count), as docs/geography.md recommends.
func Load(path string, opt Options) (*models.Geography, Info, error) {
	var info Info
	st, err := os.Stat(path)
	if err != nil {
		return nil, info, fmt.Errorf("geo: %w", err)
	}
	var files []string
	dir := path
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, info, fmt.Errorf("geo: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	} else {
		if !strings.HasSuffix(strings.ToLower(path), ".geojson") {
			return nil, info, fmt.Errorf("geo: %s: give a directory of geography files or a .geojson file", path)
		}
		files = []string{path}
	}
	g := &models.Geography{}
	var gazetteer *table
	old := map[string]*table{} // vintage -> unit list
	type xw struct {
		t        *table
		from, to string
	}
	var xws []xw
	var geojsons []string
	neighbourFile := false
	for _, p := range files {
		name := filepath.Base(p)
		lower := strings.ToLower(name)
		switch {
		case strings.HasSuffix(lower, ".geojson"):
			geojsons = append(geojsons, p)
		case strings.HasSuffix(lower, ".json"):
			nb, err := readNeighbours(p)
			if err != nil {
				return nil, info, err
			}
			g.Neighbours = append(g.Neighbours, nb...)
			neighbourFile = true
		case strings.HasSuffix(lower, ".csv"):
			t, err := readTable(p)
			if err != nil {
				return nil, info, err
			}
			switch {
			case t.has("ward_code_new"):
				m := crosswalkName.FindStringSubmatch(name)
				if m == nil {
					return nil, info, fmt.Errorf("geo: %s: crosswalk file name must contain crosswalk_<OLD>_to_<NEW>", p)
				}
				xws = append(xws, xw{t, m[1], m[2]})
			case t.has("ward_code", "ward_name"):
				m := vintageName.FindStringSubmatch(name)
				if m == nil {
					return nil, info, fmt.Errorf("geo: %s: unit list file name must end in units_<YYYY or YYYYMM>.csv", p)
				}
				old[m[1]] = t
			case t.has("code", "name"):
				if gazetteer != nil {
					return nil, info, fmt.Errorf("geo: two gazetteers of current units: %s and %s", gazetteer.path, p)
				}
				gazetteer = t
			}
		}
	}
	props := opt.Properties
	switch {
	case gazetteer != nil:
		if props.Name != "" || props.District != "" || props.Population != "" {
			return nil, info, fmt.Errorf("geo: %s: has a gazetteer CSV (%s); the name, district and population properties apply only to a GeoJSON without one",
				dir, filepath.Base(gazetteer.path))
		}
		info.UnitsFrom = gazetteer.path
	case len(geojsons) == 1:
		info.UnitsFrom, info.FromGeoJSON = geojsons[0], true
	case len(geojsons) > 1:
		return nil, info, fmt.Errorf("geo: %s: no gazetteer CSV and %d GeoJSON files (%s): give the path of the one to read the units from",
			dir, len(geojsons), strings.Join(baseNames(geojsons), ", "))
	default:
		return nil, info, fmt.Errorf("geo: %s: no gazetteer of current units (a CSV with columns code, name, or a GeoJSON FeatureCollection of the units)", dir)
	}

	// The current vintage starts at the newest crosswalk target.
	currentTok := ""
	for _, x := range xws {
		if x.to > currentTok {
			currentTok = x.to
		}
	}
	vintages := make([]string, 0, len(old))
	for v := range old {
		vintages = append(vintages, v)
	}
	sort.Strings(vintages)
	start := func(tok string) time.Time {
		if len(tok) == 6 {
			var y, m int
			fmt.Sscanf(tok, "%4d%2d", &y, &m)
			return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		}
		return time.Time{}
	}
	currentFrom := start(currentTok)
	for i, v := range vintages {
		from := start(v)
		if i == 0 {
			from = time.Time{}
		}
		to := currentFrom
		if i+1 < len(vintages) && !start(vintages[i+1]).IsZero() {
			to = start(vintages[i+1])
		}
		if !to.IsZero() {
			to = to.AddDate(0, 0, -1)
		}
		units, err := oldUnits(old[v], v, from, to)
		if err != nil {
			return nil, info, err
		}
		g.Units = append(g.Units, units...)
	}
	var cur []models.Unit
	if info.FromGeoJSON {
		data, err := os.ReadFile(info.UnitsFrom)
		if err != nil {
			return nil, info, fmt.Errorf("geo: %w", err)
		}
		if cur, g.MapGeoJSON, info.Properties, err = unitsFromGeoJSON(info.UnitsFrom, data, props, currentFrom); err != nil {
			return nil, info, err
		}
	} else if cur, err = currentUnits(gazetteer, currentFrom); err != nil {
		return nil, info, err
	}
	g.Units = append(g.Units, cur...)
	known := map[string]bool{}
	for _, u := range cur {
		known[u.Code] = true
	}

	// Direct links old vintage -> current; vintages without one are chained
	// through a link to a vintage that has one.
	direct := map[string][]models.CrosswalkLink{}
	between := map[string]xw{}
	for _, x := range xws {
		if x.to != currentTok {
			between[x.from] = x
			continue
		}
		links, err := crosswalkLinks(x.t, x.from, known)
		if err != nil {
			return nil, info, err
		}
		direct[x.from] = links
	}
	for from, x := range between {
		if _, ok := direct[from]; ok {
			continue
		}
		if _, ok := direct[x.to]; !ok {
			return nil, info, fmt.Errorf("geo: %s: no way from vintage %s to the current units", x.t.path, from)
		}
		direct[from] = chain(x.t, from, x.to, direct[x.to])
	}
	froms := make([]string, 0, len(direct))
	for f := range direct {
		froms = append(froms, f)
	}
	sort.Strings(froms)
	for _, f := range froms {
		g.Crosswalk = append(g.Crosswalk, direct[f]...)
	}

	for _, nb := range g.Neighbours {
		if !known[nb.A] || !known[nb.B] {
			return nil, info, fmt.Errorf("geo: neighbour pair %s-%s names a unit not in the gazetteer", nb.A, nb.B)
		}
	}
	if len(geojsons) > 0 && !info.FromGeoJSON {
		sort.Slice(geojsons, func(i, j int) bool {
			return strings.Contains(strings.ToLower(geojsons[i]), "simplified") &&
				!strings.Contains(strings.ToLower(geojsons[j]), "simplified")
		})
		b, err := os.ReadFile(geojsons[0])
		if err != nil {
			return nil, info, fmt.Errorf("geo: %w", err)
		}
		if props.Code != "" {
			if b, err = mapWithCodes(geojsons[0], b, props.Code, cur); err != nil {
				return nil, info, err
			}
		}
		if err := checkGeoJSON(geojsons[0], b, known); err != nil {
			return nil, info, err
		}
		g.MapGeoJSON = b
	}
	if !neighbourFile && len(g.MapGeoJSON) > 0 {
		snap := opt.Snap
		if snap <= 0 || math.IsNaN(snap) {
			snap = QueenSnap
		}
		if g.Neighbours, err = QueenNeighbours(g.MapGeoJSON, "code", snap, true); err != nil {
			return nil, info, fmt.Errorf("geo: %s: neighbours from the boundaries: %s", dir, strings.TrimPrefix(err.Error(), "geo: "))
		}
		info.QueenNeighbours = true
	}
	return g, info, nil
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

func currentUnits(t *table, from time.Time) ([]models.Unit, error) {
	pop := t.first("population_bando", "population")
	area := t.first("area_km2_bando", "area_km2", "area_km2_source")
	var out []models.Unit
	seen := map[string]bool{}
	for i, r := range t.rows {
		line := i + 2
		u := models.Unit{
			Code: t.get(r, "code"), Name: t.get(r, "name"), FullName: t.get(r, "full_name"),
			Type: t.get(r, "type"), NameEn: t.get(r, "name_en"),
			Vintage: models.CurrentVintage, ValidFrom: from,
		}
		if u.FullName == "" {
			u.FullName = strings.TrimSpace(u.Type + " " + u.Name)
		}
		p, err := t.float(r, line, pop)
		if err != nil {
			return nil, err
		}
		u.Population = int64(p)
		if u.AreaKm2, err = t.float(r, line, area); err != nil {
			return nil, err
		}
		if u.LabelLon, err = t.float(r, line, "label_lon"); err != nil {
			return nil, err
		}
		if u.LabelLat, err = t.float(r, line, "label_lat"); err != nil {
			return nil, err
		}
		if err := u.Validate(); err != nil {
			return nil, fmt.Errorf("geo: %s: row %d: %w", t.path, line, err)
		}
		if seen[u.Code] {
			return nil, fmt.Errorf("geo: %s: row %d: duplicate code %s", t.path, line, u.Code)
		}
		seen[u.Code] = true
		out = append(out, u)
	}
	return out, nil
}

func oldUnits(t *table, vintage string, from, to time.Time) ([]models.Unit, error) {
	var out []models.Unit
	for i, r := range t.rows {
		u := models.Unit{
			Code: t.get(r, "ward_code"), FullName: t.get(r, "ward_name"), Type: t.get(r, "ward_type"),
			DistrictCode: t.get(r, "district_code"), DistrictName: t.get(r, "district_name"),
			Vintage: vintage, ValidFrom: from, ValidTo: to,
		}
		u.Name = strings.TrimSpace(strings.TrimPrefix(u.FullName, u.Type))
		if err := u.Validate(); err != nil {
			return nil, fmt.Errorf("geo: %s: row %d: %w", t.path, i+2, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// crosswalkLinks reads old->current links; an old unit listed against n
// current units gets weight 1/n on each (no official shares exist).
func crosswalkLinks(t *table, from string, known map[string]bool) ([]models.CrosswalkLink, error) {
	oldCol := t.first("ward_code_"+from, "ward_code_old")
	if oldCol == "" {
		return nil, fmt.Errorf("geo: %s: no column ward_code_%s or ward_code_old", t.path, from)
	}
	partCol := t.first("part", "part_of_"+from+"_unit")
	type key struct{ o, n string }
	seen := map[key]bool{}
	var order []key
	partial := map[key]bool{}
	for i, r := range t.rows {
		k := key{t.get(r, oldCol), t.get(r, "ward_code_new")}
		if k.o == "" || k.n == "" {
			return nil, fmt.Errorf("geo: %s: row %d: empty unit code", t.path, i+2)
		}
		if !known[k.n] {
			return nil, fmt.Errorf("geo: %s: row %d: field ward_code_new: %s is not a current unit", t.path, i+2, k.n)
		}
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
		if partCol != "" && t.get(r, partCol) == "partial" {
			partial[k] = true
		}
	}
	n := map[string]int{}
	for _, k := range order {
		n[k.o]++
	}
	out := make([]models.CrosswalkLink, 0, len(order))
	for _, k := range order {
		out = append(out, models.CrosswalkLink{OldVintage: from, OldCode: k.o, NewCode: k.n,
			Partial: partial[k] || n[k.o] > 1, Weight: 1 / float64(n[k.o])})
	}
	return out, nil
}

// chain composes vintage from -> mid (table t) with mid -> current links.
func chain(t *table, from, mid string, next []models.CrosswalkLink) []models.CrosswalkLink {
	oldCol := t.first("ward_code_"+from, "ward_code_old")
	midCol := t.first("ward_code_" + mid)
	byMid := map[string][]models.CrosswalkLink{}
	for _, l := range next {
		byMid[l.OldCode] = append(byMid[l.OldCode], l)
	}
	acc := map[[2]string]float64{}
	var order [][2]string
	for _, r := range t.rows {
		o, m := t.get(r, oldCol), t.get(r, midCol)
		for _, l := range byMid[m] {
			k := [2]string{o, l.NewCode}
			if _, ok := acc[k]; !ok {
				order = append(order, k)
			}
			acc[k] += l.Weight
		}
	}
	tot := map[string]float64{}
	cnt := map[string]int{}
	for _, k := range order {
		tot[k[0]] += acc[k]
		cnt[k[0]]++
	}
	var out []models.CrosswalkLink
	for _, k := range order {
		out = append(out, models.CrosswalkLink{OldVintage: from, OldCode: k[0], NewCode: k[1],
			Partial: cnt[k[0]] > 1, Weight: acc[k] / tot[k[0]]})
	}
	return out
}

func readNeighbours(path string) ([]models.Neighbour, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	var pairs []struct {
		A, B          string
		SharedBorderM float64 `json:"shared_border_m"`
	}
	if err := json.Unmarshal(b, &pairs); err != nil {
		return nil, fmt.Errorf("geo: %s: want a JSON array of {a, b, shared_border_m}: %w", path, err)
	}
	out := make([]models.Neighbour, 0, len(pairs))
	for i, p := range pairs {
		if p.A == "" || p.B == "" || p.A == p.B {
			return nil, fmt.Errorf("geo: %s: pair %d: need two different unit codes a and b", path, i+1)
		}
		out = append(out, models.Neighbour{A: p.A, B: p.B, SharedBorderM: p.SharedBorderM})
	}
	return out, nil
}

func checkGeoJSON(path string, b []byte, known map[string]bool) error {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return fmt.Errorf("geo: %s: %w", path, err)
	}
	if fc.Type != "FeatureCollection" {
		return fmt.Errorf("geo: %s: want a FeatureCollection", path)
	}
	seen := map[string]bool{}
	for i, f := range fc.Features {
		code, _ := f.Properties["code"].(string)
		if code == "" {
			return fmt.Errorf("geo: %s: feature %d has no properties.code", path, i+1)
		}
		if !known[code] {
			return fmt.Errorf("geo: %s: feature %d: code %s is not in the gazetteer", path, i+1, code)
		}
		seen[code] = true
	}
	if len(seen) != len(known) {
		return fmt.Errorf("geo: %s: %d of %d current units have a boundary", path, len(seen), len(known))
	}
	return nil
}
