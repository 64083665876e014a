package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FeatureProperties names the GeoJSON feature properties a gazetteer is read
// from when a geography has no gazetteer CSV. Empty fields are detected (see
// detectProperties); District and Population are then used only when a
// property of an obvious name exists.
type FeatureProperties struct {
	Code       string // unit code: string or number, unique, never empty
	Name       string // unit name; when none is found the code is the name
	District   string // optional: district name (disambiguates unit names in logbooks)
	Population string // optional: population (number or numeric string)
}

// feature is one GeoJSON feature with its properties kept raw, so a number
// code is formatted from its literal (7, not 7.0) and the geometry is copied
// byte for byte.
type feature struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   json.RawMessage            `json:"geometry"`
}

func readFeatures(path string, data []byte) ([]feature, error) {
	var fc struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("geo: %s: %w", path, err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geo: %s: type %q, want a FeatureCollection", path, fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, fmt.Errorf("geo: %s: the FeatureCollection has no features", path)
	}
	return fc.Features, nil
}

// scalar returns a property value as text: strings trimmed, numbers from
// their literal with an integral value written without a fraction
// ("2.0" -> "2", "1e3" -> "1000"). ok is false for a missing property, null,
// a boolean, an array or an object.
func scalar(raw json.RawMessage) (s string, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		lit := string(raw)
		v, err := strconv.ParseFloat(lit, 64)
		if err != nil || math.IsInf(v, 0) {
			return "", false
		}
		// Integral values below 2^53 are exact in a float64: write them as
		// integers whatever the literal looked like.
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10), true
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// propertyKey folds a property name for matching against the known names:
// lower case, Vietnamese diacritics and đ removed, only letters and digits.
func propertyKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Known property names, most specific first. A name in the first list of a
// role is preferred to one that only ends like a code or name ("NHD_NUM",
// "NHD_NAME").
var (
	codeExact  = []string{"code", "ma", "madonvi", "maxa", "unitcode", "unit", "id", "unitid", "geoid", "geocode"}
	nameExact  = []string{"name", "ten", "tendonvi", "tenxa", "unitname", "label"}
	distExact  = []string{"district", "districtname", "quanhuyen", "tenquanhuyen", "huyen", "quan"}
	popExact   = []string{"population", "pop", "danso"}
	nameEnKeys = []string{"nameen", "nameenglish"}
)

// codeLike reports whether a property name ends like a code: NHD_NUM,
// TRACT_ID, ward_code, DISTRICT_NO.
func codeLike(name string) bool {
	l := strings.ToLower(name)
	for _, suf := range []string{"code", "_id", "id", "_num", "num", "number", "_no", "_nr"} {
		if strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}

// nameLike reports whether a property name ends like a name: NHD_NAME,
// SNAME, ten_xa.
func nameLike(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, "name") || strings.HasPrefix(propertyKey(name), "ten")
}

// propertyNames returns every property name used by any feature, sorted.
func propertyNames(fs []feature) []string {
	set := map[string]bool{}
	for _, f := range fs {
		for k := range f.Properties {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// values returns the property's value of every feature as text; ok is false
// when a feature lacks it or holds an empty or non-scalar value.
func values(fs []feature, prop string) (vals []string, ok bool) {
	vals = make([]string, len(fs))
	for i, f := range fs {
		s, good := scalar(f.Properties[prop])
		if !good || s == "" {
			return nil, false
		}
		vals[i] = s
	}
	return vals, true
}

func unique(vals []string) bool {
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// pickProperty chooses among the properties of one role. Candidates are those whose
// folded name is in exact (tier 1) or, failing those, whose name passes like
// (tier 2). A candidate is usable when every feature has a non-empty value
// (and, with mustBeUnique, the values differ). The first tier with a usable
// candidate decides; several usable candidates with the same values are one
// (fluBYBW's id 8336 and unit "8336"), otherwise the choice is ambiguous and
// the error names them. prop is empty when no property qualifies; unusable
// then says why each candidate by name was not usable.
func pickProperty(fs []feature, names []string, role string, exact []string, like func(string) bool, mustBeUnique bool) (prop string, unusable []string, err error) {
	rank := func(n string) int {
		k := propertyKey(n)
		for i, e := range exact {
			if k == e {
				return i
			}
		}
		return -1
	}
	var tiers [2][]string
	for _, n := range names {
		switch {
		case rank(n) >= 0:
			tiers[0] = append(tiers[0], n)
		case like != nil && like(n):
			tiers[1] = append(tiers[1], n)
		}
	}
	sort.SliceStable(tiers[0], func(i, j int) bool { return rank(tiers[0][i]) < rank(tiers[0][j]) })
	for _, tier := range tiers {
		var usable []string
		var first []string
		same := true
		for _, n := range tier {
			vals, ok := values(fs, n)
			switch {
			case !ok:
				unusable = append(unusable, n+" (empty or missing in some features)")
				continue
			case mustBeUnique && !unique(vals):
				unusable = append(unusable, n+" (values repeat)")
				continue
			}
			if first == nil {
				first = vals
			} else if !slices.Equal(first, vals) {
				same = false
			}
			usable = append(usable, n)
		}
		switch {
		case len(usable) == 1 || (len(usable) > 1 && same):
			return usable[0], nil, nil
		case len(usable) > 1:
			return "", nil, fmt.Errorf("%s property is ambiguous: %s could each be it; choose one with --%s-property",
				role, strings.Join(usable, ", "), role)
		}
	}
	return "", unusable, nil
}

// detectProperties fills the empty fields of p from the features' property
// names. A named property must exist; a code property must be found (the
// error lists the properties there are); a missing name property is not an
// error (the code is then the name).
func detectProperties(path string, fs []feature, p FeatureProperties) (FeatureProperties, error) {
	names := propertyNames(fs)
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, given := range []struct{ role, prop string }{
		{"code", p.Code}, {"name", p.Name}, {"district", p.District}, {"population", p.Population}} {
		if given.prop != "" && !have[given.prop] {
			return p, fmt.Errorf("geo: %s: no feature has the %s property %q; properties: %s",
				path, given.role, given.prop, strings.Join(names, ", "))
		}
	}
	if p.Code == "" {
		prop, unusable, err := pickProperty(fs, names, "code", codeExact, codeLike, true)
		switch {
		case err != nil:
			return p, fmt.Errorf("geo: %s: %w; properties: %s", path, err, strings.Join(names, ", "))
		case prop == "" && len(unusable) > 0:
			return p, fmt.Errorf("geo: %s: no usable code property: %s; name one with --code-property", path, strings.Join(unusable, "; "))
		case prop == "":
			return p, fmt.Errorf("geo: %s: no property looks like a unit code (code, id, …_id, …_num); name it with --code-property; properties: %s",
				path, strings.Join(names, ", "))
		}
		p.Code = prop
	}
	if p.Name == "" {
		prop, _, err := pickProperty(fs, names, "name", nameExact, nameLike, false)
		if err != nil {
			return p, fmt.Errorf("geo: %s: %w; properties: %s", path, err, strings.Join(names, ", "))
		}
		p.Name = prop
	}
	// District and population only by an obvious name: a wrong guess would
	// silently change how names resolve or how rates are computed.
	if p.District == "" {
		p.District, _, _ = pickProperty(fs, names, "district", distExact, nil, false)
	}
	if p.Population == "" {
		p.Population, _, _ = pickProperty(fs, names, "population", popExact, nil, false)
	}
	return p, nil
}
