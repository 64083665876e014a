package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/canhbao/canhbao/models"
)

// Resolver maps the unit a record names (by code or name, as of the record's
// date) onto a current unit. It holds only indexes built from a
// models.Geography and is safe for concurrent use once built.
type Resolver struct {
	units    []models.Unit
	vintages []vintage            // sorted by start
	byName   [4]map[string][]int  // nameKeys level -> key -> unit indexes
	byCode   map[string][]int     // code -> unit indexes (all vintages)
	links    map[[2]string][]link // (vintage, old code) -> links, by NewCode
	codeLen  int                  // length of every unit code, 0 if they differ
	district map[int]string       // unit index -> NormalizeName(district)
	cands    map[string][]int     // vintage -> unit indexes (for suggestions)
	loose    [][]string           // unit index -> NormalizeName of its names
	bounds   []time.Time          // sorted dates where the vintage order changes
}

type vintage struct {
	name     string
	from, to time.Time // zero: open
}

type link struct {
	code   string
	weight float64
}

const maxSuggestions = 5

// maxNameLen bounds the unit names for which close names are suggested.
const maxNameLen = 80

// NewResolver indexes g. Units of every vintage are indexed by code and by
// name; crosswalk links are kept per old unit in code order.
func NewResolver(g *models.Geography) *Resolver {
	r := &Resolver{
		units:    g.Units,
		byCode:   map[string][]int{},
		links:    map[[2]string][]link{},
		district: map[int]string{},
		cands:    map[string][]int{},
	}
	for l := range r.byName {
		r.byName[l] = map[string][]int{}
	}
	seenV := map[string]bool{}
	for i, u := range g.Units {
		if !seenV[u.Vintage] {
			seenV[u.Vintage] = true
			r.vintages = append(r.vintages, vintage{u.Vintage, u.ValidFrom, u.ValidTo})
		}
		r.byCode[u.Code] = append(r.byCode[u.Code], i)
		r.cands[u.Vintage] = append(r.cands[u.Vintage], i)
		switch {
		case r.codeLen == 0 && i == 0:
			r.codeLen = len(u.Code)
		case len(u.Code) != r.codeLen:
			r.codeLen = -1
		}
		if u.DistrictName != "" {
			r.district[i] = NormalizeName(u.DistrictName)
		}
		r.loose = append(r.loose, nil)
		for _, name := range []string{u.FullName, u.Name} {
			if name == "" {
				continue
			}
			k := nameKeys(name)
			r.loose[i] = append(r.loose[i], k[3])
			for l := range k {
				if !contains(r.byName[l][k[l]], i) {
					r.byName[l][k[l]] = append(r.byName[l][k[l]], i)
				}
			}
		}
	}
	if r.codeLen < 0 {
		r.codeLen = 0
	}
	sort.SliceStable(r.vintages, func(i, j int) bool {
		a, b := r.vintages[i].from, r.vintages[j].from
		return a.Before(b)
	})
	for _, v := range r.vintages {
		if !v.from.IsZero() {
			r.bounds = append(r.bounds, v.from)
		}
		if !v.to.IsZero() {
			r.bounds = append(r.bounds, v.to.AddDate(0, 0, 1))
		}
	}
	sort.Slice(r.bounds, func(i, j int) bool { return r.bounds[i].Before(r.bounds[j]) })
	for _, l := range g.Crosswalk {
		k := [2]string{l.OldVintage, l.OldCode}
		r.links[k] = append(r.links[k], link{l.NewCode, l.Weight})
	}
	for k := range r.links {
		ls := r.links[k]
		sort.Slice(ls, func(i, j int) bool { return ls[i].code < ls[j].code })
	}
	return r
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// order returns the vintages to search for a record dated d: those valid on
// d first, then earlier ones from the most recent back (logbooks keep an old
// name for a while after a reform), then later ones.
func (r *Resolver) order(d time.Time) []string {
	var valid, earlier, later []vintage
	for _, v := range r.vintages {
		switch {
		case !v.from.IsZero() && d.Before(v.from):
			later = append(later, v)
		case !v.to.IsZero() && d.After(v.to):
			earlier = append(earlier, v)
		default:
			valid = append(valid, v)
		}
	}
	out := make([]string, 0, len(r.vintages))
	for _, v := range valid {
		out = append(out, v.name)
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		out = append(out, earlier[i].name)
	}
	for _, v := range later {
		out = append(out, v.name)
	}
	return out
}

// Resolve maps a record's unit onto the current units. code and name may
// each be empty (not both); district (a district name, used before the
// district level was abolished) only disambiguates names. d is the
// record's date and decides which vintage of units is searched first.
//
// By code: the unit with that code in the vintage valid on d, else in the
// nearest other vintage; a code that lost its leading zeros (Excel) is
// padded to the length of the geography's codes. When a name is given too,
// it must match one of the units carrying the code.
//
// By name: keys from strict to loose (with diacritics and type word, with
// diacritics, without diacritics with type word, without either); for each
// key the vintages are tried in order (valid on d, then earlier, then
// later), and the first vintage with a match decides. Several matches are
// narrowed by district; if still several, the name is ambiguous.
//
// The unit found (source) is mapped onto the current units through the
// crosswalk. An old unit split over several current units is apportioned:
// one current unit is chosen with probability equal to its crosswalk weight,
// from a uniform number derived from sha256(splitKey, vintage, source code).
// The choice is thus deterministic per case, each case goes to exactly one
// unit (totals are conserved), and over many cases the shares approach the
// weights.
//
// Errors are *models.FieldError with field "unit_code" or "unit_name"; the
// reason lists up to 5 candidates.
func (r *Resolver) Resolve(code, name, district string, d time.Time, splitKey string) (current, source string, apportioned bool, err error) {
	u, err := r.find(code, name, district, d)
	if err != nil {
		return "", "", false, err
	}
	return r.current(u, splitKey)
}

// find returns the index of the unit a record names on date d.
func (r *Resolver) find(code, name, district string, d time.Time) (int, error) {
	code = strings.TrimSpace(code)
	name = cleanText(name)
	switch {
	case code != "":
		return r.byCodeOn(code, name, d)
	case name != "":
		return r.byNameOn(name, district, d)
	}
	return 0, &models.FieldError{Field: "unit_name", Reason: "missing (no unit name or code)"}
}

// current maps unit u onto the current units (see Resolve).
func (r *Resolver) current(u int, splitKey string) (current, source string, apportioned bool, err error) {
	return r.currentKey(u, func() string { return splitKey })
}

// currentKey is current with the split key computed only when needed.
func (r *Resolver) currentKey(u int, splitKey func() string) (current, source string, apportioned bool, err error) {
	unit := r.units[u]
	if unit.Vintage == models.CurrentVintage {
		return unit.Code, unit.Code, false, nil
	}
	ls := r.links[[2]string{unit.Vintage, unit.Code}]
	switch len(ls) {
	case 0:
		return "", unit.Code, false, &models.FieldError{Field: "unit_code",
			Reason: fmt.Sprintf("%s %s (vintage %s) has no crosswalk link to a current unit", unit.Code, unit.FullName, unit.Vintage)}
	case 1:
		return ls[0].code, unit.Code, false, nil
	}
	return pick(ls, splitKey()+"\x00"+unit.Vintage+"\x00"+unit.Code), unit.Code, true, nil
}

// pick chooses one link with probability proportional to its weight, from
// a uniform number in [0,1) taken from the hash of key.
func pick(ls []link, key string) string {
	h := sha256.Sum256([]byte(key))
	u := float64(binary.BigEndian.Uint64(h[:8])>>11) / (1 << 53)
	total := 0.0
	for _, l := range ls {
		total += l.weight
	}
	acc := 0.0
	for _, l := range ls {
		acc += l.weight / total
		if u < acc {
			return l.code
		}
	}
	return ls[len(ls)-1].code
}

func (r *Resolver) normCode(code string) string {
	if r.codeLen > 0 && isDigits(code) && len(code) < r.codeLen {
		code = strings.Repeat("0", r.codeLen-len(code)) + code
	}
	return code
}

func (r *Resolver) byCodeOn(code, name string, d time.Time) (int, error) {
	code = r.normCode(code)
	idx := r.byCode[code]
	if len(idx) == 0 {
		return 0, &models.FieldError{Field: "unit_code", Reason: fmt.Sprintf("unknown unit code %q", code)}
	}
	if name != "" {
		nk := NormalizeName(name)
		var keep []int
		for _, i := range idx {
			for _, k := range r.loose[i] {
				if k == nk {
					keep = append(keep, i)
					break
				}
			}
		}
		if len(keep) == 0 {
			return 0, &models.FieldError{Field: "unit_code", Reason: fmt.Sprintf(
				"unit code %s is %s, which does not match unit name %q", code, r.list(idx), name)}
		}
		idx = keep
	}
	for _, v := range r.order(d) {
		for _, i := range idx {
			if r.units[i].Vintage == v {
				return i, nil
			}
		}
	}
	return idx[0], nil // not reached: every unit belongs to a vintage
}

func (r *Resolver) byNameOn(name, district string, d time.Time) (int, error) {
	keys := nameKeys(name)
	if keys[3] == "" {
		return 0, &models.FieldError{Field: "unit_name", Reason: fmt.Sprintf("%q is not a unit name", name)}
	}
	dk := ""
	if district != "" {
		dk = NormalizeName(district)
	}
	order := r.order(d)
	for l, k := range keys {
		all := r.byName[l][k]
		if len(all) == 0 {
			continue
		}
		for _, v := range order {
			var m []int
			for _, i := range all {
				if r.units[i].Vintage == v {
					m = append(m, i)
				}
			}
			if len(m) == 0 {
				continue
			}
			if len(m) > 1 && dk != "" {
				var keep []int
				for _, i := range m {
					if r.district[i] == dk {
						keep = append(keep, i)
					}
				}
				if len(keep) > 0 {
					m = keep
				}
			}
			if len(m) == 1 {
				return m[0], nil
			}
			hint := "give the district"
			if dk != "" {
				hint = fmt.Sprintf("district %q does not tell them apart", district)
			}
			return 0, &models.FieldError{Field: "unit_name", Reason: fmt.Sprintf(
				"ambiguous unit name %q on %s (%s): %s", name, d.Format("02/01/2006"), hint, r.list(m))}
		}
	}
	return 0, &models.FieldError{Field: "unit_name", Reason: fmt.Sprintf(
		"unknown unit name %q on %s; closest: %s", name, d.Format("02/01/2006"), r.list(r.closest(keys[3], dk, order[0])))}
}

// list describes up to maxSuggestions units.
func (r *Resolver) list(idx []int) string {
	var parts []string
	for n, i := range idx {
		if n == maxSuggestions {
			parts = append(parts, fmt.Sprintf("and %d more", len(idx)-n))
			break
		}
		u := r.units[i]
		s := u.FullName
		if s == "" {
			s = u.Name
		}
		if u.DistrictName != "" {
			s += ", " + u.DistrictName
		}
		parts = append(parts, fmt.Sprintf("%s (%s %s)", s, u.Code, u.Vintage))
	}
	return strings.Join(parts, "; ")
}

// closest returns up to maxSuggestions units of vintage v whose loose name
// key is nearest to key by edit distance, those in district dk first.
func (r *Resolver) closest(key, dk, v string) []int {
	type cand struct {
		i, d int
	}
	var cs []cand
	if utf8.RuneCountInString(key) > maxNameLen {
		return nil // not a name: spare the edit distances
	}
	for _, i := range r.cands[v] {
		best := -1
		for _, k := range r.loose[i] {
			if dd := levenshtein(key, k); best < 0 || dd < best {
				best = dd
			}
		}
		if dk != "" && r.district[i] != dk {
			best += 1000
		}
		cs = append(cs, cand{i, best})
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d })
	var out []int
	for _, c := range cs {
		if len(out) == maxSuggestions {
			break
		}
		out = append(out, c.i)
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
