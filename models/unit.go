package models

import (
	"fmt"
	"time"
)

// Unit is a commune-level administrative unit (xã, phường, thị trấn) valid
// over a period. The current units have ValidTo zero.
type Unit struct {
	Code         string    // official 5-digit code
	Name         string    // short name ("Ba Đình")
	FullName     string    // with type ("Phường Ba Đình")
	Type         string    // Phường, Xã, Thị trấn
	NameEn       string    // ASCII name
	DistrictCode string    // empty after district level abolished
	DistrictName string    //
	Population   int64     // 0 when unknown
	AreaKm2      float64   // 0 when unknown
	LabelLon     float64   //
	LabelLat     float64   //
	Vintage      string    // which unit list this row comes from ("2024", "202501", "current")
	ValidFrom    time.Time // zero: since before the data
	ValidTo      time.Time // zero: still valid
}

// ValidOn reports whether the unit existed on day d.
func (u Unit) ValidOn(d time.Time) bool {
	if !u.ValidFrom.IsZero() && d.Before(u.ValidFrom) {
		return false
	}
	if !u.ValidTo.IsZero() && d.After(u.ValidTo) {
		return false
	}
	return true
}

// Validate checks the fields every unit must have.
func (u Unit) Validate() error {
	if u.Code == "" {
		return fmt.Errorf("unit: empty code")
	}
	if u.Name == "" && u.FullName == "" {
		return fmt.Errorf("unit %s: no name", u.Code)
	}
	if !u.ValidFrom.IsZero() && !u.ValidTo.IsZero() && u.ValidTo.Before(u.ValidFrom) {
		return fmt.Errorf("unit %s: valid_to before valid_from", u.Code)
	}
	return nil
}

// CrosswalkLink maps an old unit (of a vintage) onto a current unit. An old
// unit split over several current units has one link per part; Weight is the
// share of its records apportioned to this part (the weights of one old unit
// sum to 1).
type CrosswalkLink struct {
	OldVintage string
	OldCode    string
	NewCode    string
	Partial    bool
	Weight     float64
}

// Neighbour is an unordered pair of current units sharing a border.
type Neighbour struct {
	A, B          string
	SharedBorderM float64
}

// Geography is everything the pipeline knows about a province's units.
type Geography struct {
	Units      []Unit          // all vintages; current ones have Vintage "current"
	Crosswalk  []CrosswalkLink // old vintage -> current
	Neighbours []Neighbour     // between current units
	MapGeoJSON []byte          // boundaries of current units for drawing (feature property "code")
}

// CurrentVintage is the Vintage of units in force today.
const CurrentVintage = "current"

// Current returns the units in force today, in input order.
func (g *Geography) Current() []Unit {
	var out []Unit
	for _, u := range g.Units {
		if u.Vintage == CurrentVintage {
			out = append(out, u)
		}
	}
	return out
}
