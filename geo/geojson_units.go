package geo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// mapCollection is the map a geography stores: the geometries as read, with
// properties code (string) and name only.
type mapCollection struct {
	Type     string       `json:"type"`
	Features []mapFeature `json:"features"`
}

type mapFeature struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   json.RawMessage   `json:"geometry"`
}

// unitsFromGeoJSON derives the current units from the features of a GeoJSON
// FeatureCollection (a city that has boundaries but no gazetteer CSV). The
// properties are p, completed by detectProperties. The units are valid from
// `from` (zero: on every date, as there is no older unit list to hand over
// from). It also returns the map the report draws: the same geometries, each
// feature's properties reduced to the string code and the name the charts
// join on (other properties are left out: the map is embedded in every
// report page), and the properties actually used.
func unitsFromGeoJSON(path string, data []byte, p FeatureProperties, from time.Time) ([]models.Unit, []byte, FeatureProperties, error) {
	fs, err := readFeatures(path, data)
	if err != nil {
		return nil, nil, p, err
	}
	if p, err = detectProperties(path, fs, p); err != nil {
		return nil, nil, p, err
	}
	out := mapCollection{Type: "FeatureCollection", Features: make([]mapFeature, 0, len(fs))}
	units := make([]models.Unit, 0, len(fs))
	seen := map[string]int{}
	for i, f := range fs {
		n := i + 1 // features are numbered from 1 in messages, as in QGIS
		code, ok := scalar(f.Properties[p.Code])
		if !ok || code == "" {
			return nil, nil, p, fmt.Errorf("geo: %s: feature %d: empty or missing code property %q", path, n, p.Code)
		}
		if prev, dup := seen[code]; dup {
			return nil, nil, p, fmt.Errorf("geo: %s: features %d and %d have the same code %q (property %q)", path, prev, n, code, p.Code)
		}
		seen[code] = n
		u := models.Unit{Code: code, Vintage: models.CurrentVintage, ValidFrom: from}
		if p.Name != "" {
			name, ok := scalar(f.Properties[p.Name])
			if !ok || name == "" {
				return nil, nil, p, fmt.Errorf("geo: %s: feature %d (code %s): empty or missing name property %q", path, n, code, p.Name)
			}
			u.Name = name
		} else {
			u.Name = code
		}
		u.FullName = u.Name
		for _, k := range nameEnKeys {
			for prop, raw := range f.Properties {
				if propertyKey(prop) == k && u.NameEn == "" {
					u.NameEn, _ = scalar(raw)
				}
			}
		}
		if p.District != "" {
			u.DistrictName, _ = scalar(f.Properties[p.District])
		}
		if p.Population != "" {
			s, _ := scalar(f.Properties[p.Population])
			if s != "" {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || v < 0 {
					return nil, nil, p, fmt.Errorf("geo: %s: feature %d (code %s): population property %q: %q is not a number of people", path, n, code, p.Population, s)
				}
				u.Population = int64(v + 0.5)
			}
		}
		if err := u.Validate(); err != nil {
			return nil, nil, p, fmt.Errorf("geo: %s: feature %d: %w", path, n, err)
		}
		units = append(units, u)
		out.Features = append(out.Features, mapFeature{Type: "Feature",
			Properties: map[string]string{"code": code, "name": u.Name}, Geometry: f.Geometry})
	}
	mapJSON, err := json.Marshal(out)
	if err != nil {
		return nil, nil, p, fmt.Errorf("geo: %s: %w", path, err)
	}
	// The polygons give each unit a label point (and reject features that
	// are not polygons, which neither the map nor contiguity could use).
	polys, _, err := readPolygons(mapJSON, "code")
	if err != nil {
		return nil, nil, p, fmt.Errorf("geo: %s: %s", path, strings.TrimPrefix(err.Error(), "geo: "))
	}
	for i := range units {
		units[i].LabelLon, units[i].LabelLat = labelPoint(polys[i])
	}
	return units, mapJSON, p, nil
}

// mapWithCodes rewrites a boundary file whose features hold the gazetteer's
// codes in property codeProp (not "code"): each feature gets the string code
// and the gazetteer name the charts join on, other properties are left out.
func mapWithCodes(path string, data []byte, codeProp string, units []models.Unit) ([]byte, error) {
	fs, err := readFeatures(path, data)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.Code] = u.FullName
	}
	out := mapCollection{Type: "FeatureCollection", Features: make([]mapFeature, 0, len(fs))}
	for i, f := range fs {
		code, ok := scalar(f.Properties[codeProp])
		if !ok || code == "" {
			return nil, fmt.Errorf("geo: %s: feature %d: empty or missing code property %q", path, i+1, codeProp)
		}
		out.Features = append(out.Features, mapFeature{Type: "Feature",
			Properties: map[string]string{"code": code, "name": names[code]}, Geometry: f.Geometry})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("geo: %s: %w", path, err)
	}
	return b, nil
}
