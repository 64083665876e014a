package simulate

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Reporting delays (issue 11). A case reaches the system when the logbook
// page it is written on is collected and sent: the team writes it down, the
// commune collects the book, an officer sends the pages on. The city takes
// deliveries once a week, on Fridays (none in Tết week: that delivery comes
// the Friday after), so a case arrives on the first delivery day on or after
// the day its page is ready, received + lag:
//
//   - lag = L_u · Gamma(shape 2.5, scale 5 days) (mean 12.5·L_u days) for
//     most cases;
//   - with probability tail_u the page is mislaid or the book sent late:
//     lag = 28 + Exp(mean 75) days, capped at 400 (months);
//
// L_u is the unit's lateness: LogNormal(0, 0.3) for most units; a share
// lateShare of units are habitually late, with L_u multiplied by U(2.5, 4)
// and tail_u = 0.15 instead of 0.05. All of it is drawn from its own random
// stream (streamArrive), so arrivals change none of the other outputs.
const (
	deliveryDay  = time.Friday
	lagShape     = 2.5
	lagScale     = 5.0 // days
	lateShare    = 0.12
	lateMin      = 2.5
	lateMax      = 4.0
	tailShare    = 0.05
	tailShareBad = 0.15
	tailStart    = 28.0 // days
	tailMean     = 75.0 // days
	tailCap      = 400  // days
	latenessSD   = 0.3
)

// lateness is a unit's reporting behaviour.
type lateness struct {
	mult float64 // L_u
	tail float64 // tail_u
	late bool    // habitually late
}

// drawArrivals gives every record its arrival date; records must be in
// their final (received, unit) order so that a seed gives the same dates.
func (s *sim) drawArrivals(r *rand.Rand) {
	lt := make([]lateness, len(s.units))
	for i := range lt {
		l := lateness{mult: math.Exp(latenessSD * r.NormFloat64()), tail: tailShare}
		if r.Float64() < lateShare {
			l.mult *= uniform(r, lateMin, lateMax)
			l.tail, l.late = tailShareBad, true
		}
		lt[i] = l
	}
	s.lateness = lt
	for _, c := range s.records {
		l := lt[c.unit]
		var lag float64
		if r.Float64() < l.tail {
			lag = math.Min(tailCap, tailStart+r.ExpFloat64()*tailMean)
		} else {
			lag = l.mult * gammaRand(r, lagShape, lagScale)
		}
		c.arrived = nextDelivery(c.received.AddDate(0, 0, int(lag)))
	}
}

// nextDelivery is the first delivery day on or after d: a Friday, skipping
// the Friday of Tết week.
func nextDelivery(d time.Time) time.Time {
	d = d.AddDate(0, 0, (int(deliveryDay)-int(d.Weekday())+7)%7)
	if isTetWeek(models.WeekOf(d)) {
		d = d.AddDate(0, 0, 7)
	}
	return d
}

// isTetWeek reports whether the lunar new year falls in ISO week w.
func isTetWeek(w models.Week) bool {
	for _, y := range []int{w.Monday().Year(), w.Sunday().Year()} {
		if t, ok := tetDates[y]; ok && models.WeekOf(t) == w {
			return true
		}
	}
	return false
}
