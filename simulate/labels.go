package simulate

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/canhbao/canhbao/models"
)

// labeler names a case's unit as it was called on the case's date.
type labeler struct {
	currentFrom time.Time // first day of the current units (zero: always current)
	vintages    []vintage // older unit lists, by name
}

type vintage struct {
	name     string
	from, to time.Time
	byNew    map[string][]oldName // current unit code -> old units linked to it
}

type oldName struct {
	full, district string
	weight         float64
}

func newLabeler(g *models.Geography) *labeler {
	l := &labeler{}
	type key struct{ v, code string }
	old := map[key]models.Unit{}
	vs := map[string]*vintage{}
	for _, u := range g.Units {
		if u.Vintage == models.CurrentVintage {
			if l.currentFrom.IsZero() || u.ValidFrom.Before(l.currentFrom) {
				l.currentFrom = u.ValidFrom
			}
			continue
		}
		old[key{u.Vintage, u.Code}] = u
		if _, ok := vs[u.Vintage]; !ok {
			vs[u.Vintage] = &vintage{name: u.Vintage, from: u.ValidFrom, to: u.ValidTo, byNew: map[string][]oldName{}}
		}
	}
	for _, c := range g.Crosswalk {
		u, ok := old[key{c.OldVintage, c.OldCode}]
		v := vs[c.OldVintage]
		if !ok || v == nil || c.Weight <= 0 {
			continue
		}
		v.byNew[c.NewCode] = append(v.byNew[c.NewCode], oldName{u.FullName, u.DistrictName, c.Weight})
	}
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l.vintages = append(l.vintages, *vs[n])
	}
	return l
}

// label returns the district and unit name to write for a case of current
// unit cur received on d. Before the current units came into force, the old
// unit is drawn among those linked to cur in the vintage valid on d, with
// probability proportional to the link weight. ok is false when no old unit
// could be found and the current name was used instead.
func (l *labeler) label(r *rand.Rand, cur models.Unit, d time.Time) (district, name string, ok bool) {
	if l.currentFrom.IsZero() || !d.Before(l.currentFrom) {
		return "", cur.FullName, true
	}
	for _, v := range l.vintages {
		if (!v.from.IsZero() && d.Before(v.from)) || (!v.to.IsZero() && d.After(v.to)) {
			continue
		}
		cands := v.byNew[cur.Code]
		if len(cands) == 0 {
			continue
		}
		w := make([]float64, len(cands))
		for i, c := range cands {
			w[i] = c.weight
		}
		c := cands[pick(r, w)]
		return c.district, c.full, true
	}
	return "", cur.FullName, false
}
