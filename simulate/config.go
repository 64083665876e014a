package simulate

import (
	"fmt"
	"math"
	"time"
)

// Config says what to simulate.
type Config struct {
	Seed        uint64
	From, To    time.Time // inclusive calendar dates (UTC midnight)
	Scale       float64   // 1 = about 5,000 cases in the first simulated year for the whole province
	InvalidRate float64   // share of rows deliberately made invalid (default 0.003); 0 disables
	// Deliveries is how many weeks before To are written as weekly
	// deliveries (deliveries/YYYY-MM-DD/, the rows that arrived that day),
	// with the rows that arrived earlier in the monthly history files; the
	// rows that arrive after To are in deliveries dated after To. 0 writes
	// every row into the monthly files, as they are once complete.
	Deliveries int
}

// DefaultConfig simulates four years, 2022-01-03 (Monday) to 2025-12-28
// (Sunday), at scale 1 with the default share of invalid rows.
func DefaultConfig() Config {
	return Config{
		Seed:        1,
		From:        time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC),
		To:          time.Date(2025, 12, 28, 0, 0, 0, 0, time.UTC),
		Scale:       1,
		InvalidRate: 0.003,
	}
}

// Limits of a configuration.
const (
	minDays  = 56   // an episode needs a few weeks
	maxScale = 1000 // about 5 million cases a year
	maxRate  = 0.5  // more would not be a logbook any more
	// maxDeliveries bounds Config.Deliveries; more weeks than the range
	// holds simply make every row a delivery.
	maxDeliveries = 52 * (tetLast - tetFirst + 1)
	tetFirst      = 2015 // first year of the Tết table
	tetLast       = 2035 // last year of the Tết table
)

// Validate reports whether the configuration can be simulated.
func (c Config) Validate() error {
	switch {
	case c.From.IsZero() || c.To.IsZero():
		return fmt.Errorf("simulate: From and To are required")
	case c.To.Before(c.From):
		return fmt.Errorf("simulate: To %s is before From %s", day(c.To).Format(dateLayout), day(c.From).Format(dateLayout))
	case day(c.To).Sub(day(c.From)).Hours()/24+1 < minDays:
		return fmt.Errorf("simulate: range %s..%s is shorter than %d days", day(c.From).Format(dateLayout), day(c.To).Format(dateLayout), minDays)
	case day(c.From).Year() < tetFirst || day(c.To).Year() > tetLast:
		return fmt.Errorf("simulate: range must lie within %d..%d (the Tết table)", tetFirst, tetLast)
	case math.IsNaN(c.Scale) || c.Scale <= 0 || c.Scale > maxScale:
		return fmt.Errorf("simulate: Scale %g must be in (0, %d]", c.Scale, maxScale)
	case math.IsNaN(c.InvalidRate) || c.InvalidRate < 0 || c.InvalidRate > maxRate:
		return fmt.Errorf("simulate: InvalidRate %g must be in [0, %g]", c.InvalidRate, maxRate)
	case c.Deliveries < 0 || c.Deliveries > maxDeliveries:
		return fmt.Errorf("simulate: Deliveries %d weeks must be in [0, %d]", c.Deliveries, maxDeliveries)
	}
	return nil
}

const dateLayout = "02/01/2006"

// day returns the calendar date of t (in its own location) at UTC midnight.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
