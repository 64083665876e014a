package ingest

import (
	"sort"
	"time"
)

// resolveCache remembers, for one file, which unit a (code, name,
// district) names in each period between vintage boundaries: within a
// period the search order of vintages, and so the answer, is the same.
// Errors are not cached (their reasons quote the date).
type resolveCache struct {
	r *Resolver
	m map[resolveKey]int
}

type resolveKey struct {
	code, name, district string
	period               int
}

// maxCache bounds the entries of a cache; it is emptied when full.
const maxCache = 1 << 16

func newResolveCache(r *Resolver) *resolveCache {
	return &resolveCache{r: r, m: make(map[resolveKey]int)}
}

// period numbers the interval between vintage boundaries holding d.
func (r *Resolver) period(d time.Time) int {
	return sort.Search(len(r.bounds), func(i int) bool { return d.Before(r.bounds[i]) })
}

// resolve is Resolver.Resolve with the unit lookup cached.
// splitKey is called only for a unit split over several current units.
func (c *resolveCache) resolve(code, name, district string, d time.Time, splitKey func() string) (current, source string, apportioned bool, err error) {
	k := resolveKey{code, name, district, c.r.period(d)}
	u, ok := c.m[k]
	if !ok {
		if u, err = c.r.find(code, name, district, d); err != nil {
			return "", "", false, err
		}
		if len(c.m) >= maxCache {
			clear(c.m)
		}
		c.m[k] = u
	}
	return c.r.currentKey(u, splitKey)
}
