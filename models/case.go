package models

import (
	"fmt"
	"time"
)

// Category is one of the three official statistical groups of disputes.
type Category string

const (
	CategoryCivil  Category = "civil"  // tranh chấp phát sinh từ quan hệ dân sự
	CategoryFamily Category = "family" // hôn nhân và gia đình
	CategoryOther  Category = "other"  // mâu thuẫn, xích mích, tranh chấp khác
)

// Categories lists the categories in report order.
var Categories = []Category{CategoryCivil, CategoryFamily, CategoryOther}

// Outcome is where a case stands.
type Outcome string

const (
	OutcomeSettled    Outcome = "settled"     // hòa giải thành
	OutcomeNotSettled Outcome = "not_settled" // hòa giải không thành
	OutcomeInProgress Outcome = "in_progress" // đang giải quyết
)

// Outcomes lists the outcomes in report order.
var Outcomes = []Outcome{OutcomeSettled, OutcomeNotSettled, OutcomeInProgress}

// Subtopic is derived from the case summary; land is the one most tied to escalation.
type Subtopic string

const (
	SubtopicLand           Subtopic = "land"
	SubtopicBoundary       Subtopic = "boundary"
	SubtopicInheritance    Subtopic = "inheritance"
	SubtopicDebt           Subtopic = "debt"
	SubtopicSpouse         Subtopic = "spouse"
	SubtopicDomestic       Subtopic = "domestic"
	SubtopicNeighbour      Subtopic = "neighbour"
	SubtopicNoise          Subtopic = "noise"
	SubtopicConstruction   Subtopic = "construction"
	SubtopicEnvironment    Subtopic = "environment"
	SubtopicMinorViolation Subtopic = "minor_violation"
	SubtopicOther          Subtopic = "other"
)

// Subtopics lists the subtopics.
var Subtopics = []Subtopic{SubtopicLand, SubtopicBoundary, SubtopicInheritance, SubtopicDebt,
	SubtopicSpouse, SubtopicDomestic, SubtopicNeighbour, SubtopicNoise, SubtopicConstruction,
	SubtopicEnvironment, SubtopicMinorViolation, SubtopicOther}

// Referral is where a case was passed on to ("" when not referred).
type Referral string

const (
	ReferralNone    Referral = ""
	ReferralCommune Referral = "commune" // UBND xã/phường
	ReferralPolice  Referral = "police"  // Công an
	ReferralCourt   Referral = "court"   // Tòa án
	ReferralOther   Referral = "other"
)

// Case is one mediation case as stored: no names, ages or addresses, only
// keyed hashes of the parties.
type Case struct {
	Key            string    // stable identity: source case id, or a content hash
	SourceCaseID   string    // case id from the source, if it has one
	Seq            int       // STT in the source logbook (not an identity)
	ReceivedDate   time.Time // date the case was received
	ClosedDate     time.Time // zero when open
	UnitCode       string    // current unit
	SourceUnitCode string    // unit as resolved on the record's date (old code before reforms)
	Apportioned    bool      // source unit was split over several current units
	Village        string    // thôn / tổ dân phố
	Team           string    // tổ hòa giải
	PartiesHash    string    // keyed hash of the set of parties (repeat-dispute detection)
	SummaryHash    string    // hash of the normalised summary text
	Category       Category
	Subtopic       Subtopic
	Outcome        Outcome
	ViolenceRisk   bool
	CrimeSigns     bool
	ReferredTo     Referral
	// Tension: the summary describes an escalating conflict (threats,
	// shouting, scuffles, recurrence; ingest.Tension). Derived at ingest from
	// the summary, which itself is not stored; false for cases loaded before
	// migration 011 until they are ingested again.
	Tension bool
}

// Week is the ISO week the case was received in.
func (c *Case) Week() Week { return WeekOf(c.ReceivedDate) }

// Serious reports whether the case carries any escalation signal by itself.
func (c *Case) Serious() bool {
	return c.Outcome == OutcomeNotSettled || c.ViolenceRisk || c.CrimeSigns ||
		c.ReferredTo == ReferralPolice || c.ReferredTo == ReferralCourt
}

// Validate checks a case before it is stored; the error names the field.
func (c *Case) Validate() error {
	switch {
	case c.Key == "":
		return &FieldError{"case_id", "no identity"}
	case c.ReceivedDate.IsZero():
		return &FieldError{"received_date", "missing"}
	case c.UnitCode == "":
		return &FieldError{"unit_code", "missing"}
	}
	if !c.ClosedDate.IsZero() && c.ClosedDate.Before(c.ReceivedDate) {
		return &FieldError{"closed_date", fmt.Sprintf("%s is before received date %s",
			c.ClosedDate.Format("02/01/2006"), c.ReceivedDate.Format("02/01/2006"))}
	}
	switch c.Category {
	case CategoryCivil, CategoryFamily, CategoryOther:
	default:
		return &FieldError{"category", fmt.Sprintf("unknown category %q", c.Category)}
	}
	switch c.Outcome {
	case OutcomeSettled, OutcomeNotSettled, OutcomeInProgress:
	default:
		return &FieldError{"outcome", fmt.Sprintf("unknown outcome %q", c.Outcome)}
	}
	return nil
}

// FieldError says which field of a record is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }
