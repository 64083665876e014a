package simulate

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/canhbao/canhbao/models"
)

// kind says where a simulated case comes from.
type kind int

const (
	kindOrdinary kind = iota
	kindEpisode       // excess case of an escalation episode
	kindDecoy         // extra ordinary case of a one-week spike
)

// record is one simulated case before it is written.
type record struct {
	received, closed time.Time // closed zero when in progress
	unit             int
	village          string
	team             string
	parties          []person
	summary          string
	category         models.Category
	subtopic         models.Subtopic
	outcome          models.Outcome
	violence, crime  bool
	referral         models.Referral
	note             string
	kind             kind
	ep               int       // episode index for kindEpisode
	arrived          time.Time // delivery that brought the case to the system
}

// Category and subtopic mixes: ordinary cases follow the published shares;
// episode cases lean to land and boundary disputes.
var (
	ordinaryCategory = []choice[models.Category]{
		{models.CategoryCivil, 0.45}, {models.CategoryFamily, 0.20}, {models.CategoryOther, 0.35}}
	episodeCategory = []choice[models.Category]{
		{models.CategoryCivil, 0.65}, {models.CategoryFamily, 0.15}, {models.CategoryOther, 0.20}}
	ordinarySubtopic = map[models.Category][]choice[models.Subtopic]{
		models.CategoryCivil: {{models.SubtopicLand, 0.40}, {models.SubtopicBoundary, 0.25},
			{models.SubtopicInheritance, 0.15}, {models.SubtopicDebt, 0.20}},
		models.CategoryFamily: {{models.SubtopicSpouse, 0.65}, {models.SubtopicDomestic, 0.35}},
		models.CategoryOther: {{models.SubtopicNeighbour, 0.35}, {models.SubtopicNoise, 0.15},
			{models.SubtopicConstruction, 0.15}, {models.SubtopicEnvironment, 0.12},
			{models.SubtopicMinorViolation, 0.13}, {models.SubtopicOther, 0.10}},
	}
	episodeSubtopic = map[models.Category][]choice[models.Subtopic]{
		models.CategoryCivil: {{models.SubtopicLand, 0.50}, {models.SubtopicBoundary, 0.30},
			{models.SubtopicInheritance, 0.12}, {models.SubtopicDebt, 0.08}},
		models.CategoryFamily: {{models.SubtopicSpouse, 0.40}, {models.SubtopicDomestic, 0.60}},
		models.CategoryOther: {{models.SubtopicNeighbour, 0.40}, {models.SubtopicConstruction, 0.30},
			{models.SubtopicNoise, 0.10}, {models.SubtopicEnvironment, 0.10}, {models.SubtopicMinorViolation, 0.10}},
	}
	ordinaryOutcome = []choice[models.Outcome]{
		{models.OutcomeSettled, 0.835}, {models.OutcomeNotSettled, 0.135}, {models.OutcomeInProgress, 0.03}}
	episodeOutcome = []choice[models.Outcome]{
		{models.OutcomeSettled, 0.48}, {models.OutcomeNotSettled, 0.42}, {models.OutcomeInProgress, 0.10}}
)

// risk holds the flag and referral probabilities of one profile, for
// not-settled cases and for the others.
type risk struct {
	violence, crime        [2]float64 // [not settled, other]
	commune, police, court [2]float64
	crimeToPolice          float64 // chance a crime-sign case without referral goes to the police
}

var (
	// Ordinary: violence 0.14·0.07+0.86·0.012 ≈ 2%, crime ≈ 1%, UBND ≈ 4%, court ≈ 2%;
	// police ≈ 1.5% directly plus crime-sign cases, ≈ 2% with episodes.
	ordinaryRisk = risk{
		violence: [2]float64{0.07, 0.012}, crime: [2]float64{0.04, 0.005},
		commune: [2]float64{0.18, 0.017}, police: [2]float64{0.07, 0.006}, court: [2]float64{0.10, 0.007},
		crimeToPolice: 0.6,
	}
	episodeRisk = risk{
		violence: [2]float64{0.30, 0.08}, crime: [2]float64{0.14, 0.03},
		commune: [2]float64{0.15, 0.06}, police: [2]float64{0.25, 0.06}, court: [2]float64{0.15, 0.04},
		crimeToPolice: 0.7,
	}
)

// Closing delays in days: settled 1 + Exp(9) up to 60, not settled 3 + Exp(18) up to 120.
func closingDelay(r *rand.Rand, o models.Outcome) int {
	if o == models.OutcomeSettled {
		return min(60, 1+int(r.ExpFloat64()*9))
	}
	return min(120, 3+int(r.ExpFloat64()*18))
}

const (
	ordinaryRepeat = 0.03 // ordinary case repeating earlier parties of the unit
	episodeRepeat  = 0.6  // episode case repeating a party group of the episode
	recentMax      = 30   // party groups remembered per unit
	tensionShare   = 0.5  // episode cases whose summary mentions tension
	ordinaryTense  = 0.15 // not-settled ordinary cases whose summary does
	repeatNoted    = 0.5  // repeat disputes that the mediator notes as such
)

// partyGroup is the parties of a dispute and its subject, kept so that the
// same dispute can come back.
type partyGroup struct {
	parties  []person
	category models.Category
	subtopic models.Subtopic
}

// newCase draws one case of unit u received on d.
func (s *sim) newCase(r *rand.Rand, ui int, d time.Time, k kind, e *effect) *record {
	u := s.units[ui]
	c := &record{received: d, unit: ui, kind: k, ep: -1}
	cats, subs, outs, rk := ordinaryCategory, ordinarySubtopic, ordinaryOutcome, &ordinaryRisk
	if k == kindEpisode {
		cats, subs, outs, rk = episodeCategory, episodeSubtopic, episodeOutcome, &episodeRisk
		c.ep = e.ep
	}
	c.category = draw(r, cats)
	c.subtopic = draw(r, subs[c.category])
	c.outcome = draw(r, outs)
	if k == kindDecoy {
		c.outcome = models.OutcomeSettled
	}

	// Parties: a repeat dispute brings back an earlier group of parties, from
	// the episode's pool or the unit's recent cases, with its subject.
	var grp *partyGroup
	switch {
	case k == kindEpisode && len(e.pool) > 0 && r.Float64() < episodeRepeat:
		grp = e.pool[r.IntN(len(e.pool))]
	case k == kindOrdinary && len(u.recent) > 0 && r.Float64() < ordinaryRepeat:
		grp = u.recent[r.IntN(len(u.recent))]
	}
	repeat := grp != nil
	if repeat {
		c.category, c.subtopic = grp.category, grp.subtopic
	} else {
		grp = &partyGroup{newParties(r, u, u.villages[r.IntN(len(u.villages))], c.subtopic), c.category, c.subtopic}
		if k == kindEpisode && len(e.pool) < poolMax {
			e.pool = append(e.pool, grp)
		}
		if len(u.recent) < recentMax {
			u.recent = append(u.recent, grp)
		} else {
			u.recent[r.IntN(recentMax)] = grp
		}
	}
	c.parties = grp.parties
	c.village = c.parties[0].village
	c.team = u.teams[c.village]

	tmpl := summaries[c.subtopic]
	c.summary = tmpl[r.IntN(len(tmpl))]
	tense := tensionShare
	if k != kindEpisode {
		tense = 0
		if c.outcome == models.OutcomeNotSettled {
			tense = ordinaryTense
		}
	}
	if r.Float64() < tense {
		c.summary += " " + tensions[r.IntN(len(tensions))]
	}

	if k != kindDecoy {
		i := 1
		if c.outcome == models.OutcomeNotSettled {
			i = 0
		}
		c.violence = r.Float64() < rk.violence[i]
		c.crime = r.Float64() < rk.crime[i]
		x := r.Float64()
		switch {
		case x < rk.commune[i]:
			c.referral = models.ReferralCommune
		case x < rk.commune[i]+rk.police[i]:
			c.referral = models.ReferralPolice
		case x < rk.commune[i]+rk.police[i]+rk.court[i]:
			c.referral = models.ReferralCourt
		}
		if c.crime && c.referral == models.ReferralNone && r.Float64() < rk.crimeToPolice {
			c.referral = models.ReferralPolice
		}
	}

	if c.outcome != models.OutcomeInProgress {
		closed := d.AddDate(0, 0, closingDelay(r, c.outcome))
		if closed.After(s.to) {
			c.outcome = models.OutcomeInProgress // not closed by the end of the logbooks
		} else {
			c.closed = closed
		}
	}
	switch {
	case repeat && r.Float64() < repeatNoted:
		c.note = "Các bên đã có vụ việc hòa giải trước đây."
	case c.outcome == models.OutcomeInProgress:
		c.note = "Đang tiếp tục hòa giải."
	}
	return c
}

// simulateCases draws every case, week by week and unit by unit.
func (s *sim) simulateCases(r *rand.Rand) {
	decoysAt := map[int][]*decoy{}
	for _, d := range s.decoys {
		decoysAt[d.week] = append(decoysAt[d.week], d)
	}
	var days []time.Time
	var dayW []float64
	for wi := s.firstW; wi <= s.lastW; wi++ {
		w := models.WeekFromIndex(wi)
		days, dayW = days[:0], dayW[:0]
		var sum float64
		for k := 0; k < 7; k++ {
			d := w.Monday().AddDate(0, 0, k)
			if d.Before(s.from) || d.After(s.to) {
				continue
			}
			x := weekdayWeight(d.Weekday()) * s.trend(d)
			days, dayW = append(days, d), append(dayW, x)
			sum += x
		}
		base := s.annual / 365.2425 * sum * season(w)
		for ui, u := range s.units {
			m := 1.0
			for _, e := range u.effects {
				m += e.mult(wi) - 1
			}
			// Negative binomial: Poisson with a gamma(4, 1/4) multiplier.
			n := poisson(r, base*u.share*m*gammaRand(r, weekShape, 1/weekShape))
			for j := 0; j < n; j++ {
				d := days[pick(r, dayW)]
				k, e := kindOrdinary, (*effect)(nil)
				if x := r.Float64() * m; x >= 1 {
					x--
					for _, f := range u.effects {
						if x -= f.mult(wi) - 1; x < 0 || f == u.effects[len(u.effects)-1] {
							k, e = kindEpisode, f
							break
						}
					}
					if e != nil && e.mult(wi) == 1 {
						k, e = kindOrdinary, nil // rounding: no active effect
					}
				}
				s.records = append(s.records, s.newCase(r, ui, d, k, e))
			}
		}
		for _, dc := range decoysAt[wi] {
			for j := 0; j < dc.extra; j++ {
				s.records = append(s.records, s.newCase(r, dc.unit, days[pick(r, dayW)], kindDecoy, nil))
			}
		}
	}
}

const (
	weekShape  = 4.0 // gamma shape of the week-to-week multiplier
	unitShape  = 3.0 // gamma shape of the unit-level multiplier
	yearlyFall = 0.9 // caseload ratio from one year to the next
	firstYear  = 5000.0
)

// trend is 0.9^t, t in years since From.
func (s *sim) trend(d time.Time) float64 {
	t := d.Sub(s.from).Hours() / 24 / 365.2425
	return math.Pow(yearlyFall, t)
}

// weekRate is unit ui's expected ordinary cases in week wi (no episodes).
func (s *sim) weekRate(ui, wi int) float64 {
	w := models.WeekFromIndex(wi)
	return s.annual / weeksPerYear * s.trend(w.Monday()) * season(w) * s.units[ui].share
}
