package simulate

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Summary says what Run wrote.
type Summary struct {
	Files    []string // paths written, in order
	Rows     int      // data rows written in all logbook files (valid + invalid)
	Invalid  int      // rows deliberately made invalid
	Episodes int
}

// Header is the header row of a logbook file: the official labels.
var Header = []string{"STT", "Mã vụ việc", "Ngày, tháng, năm nhận vụ, việc hòa giải", "Ngày kết thúc",
	"Quận/Huyện", "Xã/Phường", "Thôn/Tổ dân phố", "Tổ hòa giải", "Họ tên, tuổi, địa chỉ của các bên",
	"Nội dung chủ yếu của vụ, việc", "Loại vụ việc", "Kết quả hòa giải", "Nguy cơ bạo lực",
	"Dấu hiệu tội phạm", "Chuyển cơ quan", "Ghi chú"}

// TruthHeader is the header row of ground_truth.csv.
var TruthHeader = []string{"episode_id", "unit_code", "role", "start_week", "peak_week", "end_week"}

// Kinds of deliberately invalid rows, as counted in the manifest.
const (
	InvalidImpossibleDate = "impossible_date"
	InvalidEmptyReceived  = "empty_received"
	InvalidUnknownUnit    = "unknown_unit"
	InvalidClosedBefore   = "closed_before_received"
)

var invalidKinds = []string{InvalidImpossibleDate, InvalidEmptyReceived, InvalidUnknownUnit, InvalidClosedBefore}

// UnknownUnitName is the unit name written in rows of kind unknown_unit.
const UnknownUnitName = "Xã Không Tồn Tại"

// Official labels.
var (
	categoryLabel = map[models.Category]string{
		models.CategoryCivil: "Dân sự", models.CategoryFamily: "Hôn nhân và gia đình", models.CategoryOther: "Khác"}
	outcomeLabel = map[models.Outcome]string{
		models.OutcomeSettled: "Hòa giải thành", models.OutcomeNotSettled: "Hòa giải không thành",
		models.OutcomeInProgress: "Đang giải quyết"}
	referralLabel = map[models.Referral]string{
		models.ReferralCommune: "UBND xã", models.ReferralPolice: "Công an", models.ReferralCourt: "Tòa án"}
)

// unitSim is a current unit with its simulation state.
type unitSim struct {
	u        models.Unit
	share    float64 // expected share of the province's ordinary cases
	villages []string
	teams    map[string]string // village -> mediation team
	effects  []*effect
	recent   []*partyGroup // earlier disputes, for ordinary repeats
}

// sim is one simulation run.
type sim struct {
	cfg           Config
	from, to      time.Time
	days          int
	firstW, lastW int     // ISO week indexes of From and To
	annual        float64 // province rate at From, in cases a year
	units         []*unitSim
	neighbours    [][]int // by unit index, ascending
	episodes      []*episode
	decoys        []*decoy
	records       []*record
}

// Run writes the logbooks and ground_truth.csv (and manifest.json) into outDir.
func Run(g *models.Geography, cfg Config, outDir string) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if g == nil {
		return nil, fmt.Errorf("simulate: no geography")
	}
	s, err := newSim(g, cfg)
	if err != nil {
		return nil, err
	}
	s.planEpisodes(newRand(cfg.Seed, streamPlan))
	s.simulateCases(newRand(cfg.Seed, streamCases))
	sort.SliceStable(s.records, func(i, j int) bool {
		a, b := s.records[i], s.records[j]
		if !a.received.Equal(b.received) {
			return a.received.Before(b.received)
		}
		return a.unit < b.unit
	})
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	return s.write(g, outDir)
}

func newSim(g *models.Geography, cfg Config) (*sim, error) {
	cur := g.Current()
	if len(cur) == 0 {
		return nil, fmt.Errorf("simulate: geography has no current units")
	}
	s := &sim{cfg: cfg, from: day(cfg.From), to: day(cfg.To)}
	s.days = int(s.to.Sub(s.from).Hours()/24) + 1
	s.firstW, s.lastW = models.WeekOf(s.from).Index(), models.WeekOf(s.to).Index()
	// ∫₀¹ 0.9^t dt = (1−0.9)/ln(1/0.9): the rate at From that gives 5,000·Scale in year one.
	s.annual = firstYear * cfg.Scale * -math.Log(yearlyFall) / (1 - yearlyFall)

	r := newRand(cfg.Seed, streamPlan^0xffff)
	var popSum float64
	var popN int
	for _, u := range cur {
		if u.Population > 0 {
			popSum += float64(u.Population)
			popN++
		}
	}
	meanPop := 1.0
	if popN > 0 {
		meanPop = popSum / float64(popN)
	}
	idx := map[string]int{}
	var tot float64
	for i, u := range cur {
		pop := float64(u.Population)
		if pop <= 0 {
			pop = meanPop
		}
		us := &unitSim{u: u, share: pop * gammaRand(r, unitShape, 1/unitShape), teams: map[string]string{}}
		us.villages = villagesFor(r, u, pop)
		for j, v := range us.villages {
			us.teams[v] = fmt.Sprintf("Tổ hòa giải số %d", j+1)
		}
		tot += us.share
		s.units = append(s.units, us)
		idx[u.Code] = i
	}
	for _, u := range s.units {
		u.share /= tot // the province total is exact in expectation
	}
	s.neighbours = make([][]int, len(cur))
	for _, nb := range g.Neighbours {
		a, okA := idx[nb.A]
		b, okB := idx[nb.B]
		if !okA || !okB {
			continue
		}
		s.neighbours[a] = append(s.neighbours[a], b)
		s.neighbours[b] = append(s.neighbours[b], a)
	}
	for i := range s.neighbours {
		sort.Ints(s.neighbours[i])
		s.neighbours[i] = dedup(s.neighbours[i])
	}
	return s, nil
}

func dedup(x []int) []int {
	out := x[:0]
	for i, v := range x {
		if i == 0 || v != x[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// manifest is what manifest.json holds.
type manifest struct {
	Seed           uint64         `json:"seed"`
	From           string         `json:"from"`
	To             string         `json:"to"`
	Scale          float64        `json:"scale"`
	InvalidRate    float64        `json:"invalid_rate"`
	Units          int            `json:"units"`
	Files          []string       `json:"files"`
	Rows           int            `json:"rows"`
	Invalid        int            `json:"invalid"`
	InvalidByKind  map[string]int `json:"invalid_by_kind"`
	CasesByYear    map[string]int `json:"cases_by_year"`
	CasesByOutcome map[string]int `json:"cases_by_outcome"`
	Episodes       int            `json:"episodes"`
	Spillovers     int            `json:"spillovers"`
	Decoys         int            `json:"decoys"`
	EpisodeCases   int            `json:"episode_cases"`
	DecoyCases     int            `json:"decoy_cases"`
	LabelFallbacks int            `json:"label_fallbacks"` // old-period rows written with the current name
}

func (s *sim) write(g *models.Geography, outDir string) (*Summary, error) {
	sum := &Summary{Episodes: len(s.episodes)}
	m := manifest{
		Seed: s.cfg.Seed, From: s.from.Format(dateLayout), To: s.to.Format(dateLayout),
		Scale: s.cfg.Scale, InvalidRate: s.cfg.InvalidRate, Units: len(s.units),
		InvalidByKind: map[string]int{}, CasesByYear: map[string]int{}, CasesByOutcome: map[string]int{},
		Episodes: len(s.episodes), Decoys: len(s.decoys),
	}
	for _, k := range invalidKinds {
		m.InvalidByKind[k] = 0
	}
	for _, ep := range s.episodes {
		m.Spillovers += len(ep.effects) - 1
	}

	lab := newLabeler(g)
	rl := newRand(s.cfg.Seed, streamLabels)
	ri := newRand(s.cfg.Seed, streamInvalid)
	tag := seedTag(s.cfg.Seed)
	next := 0 // index into s.records
	for mon := time.Date(s.from.Year(), s.from.Month(), 1, 0, 0, 0, 0, time.UTC); !mon.After(s.to); mon = mon.AddDate(0, 1, 0) {
		name := fmt.Sprintf("logbook_%04d-%02d.csv", mon.Year(), int(mon.Month()))
		end := mon.AddDate(0, 1, 0)
		var rows [][]string
		for ; next < len(s.records) && s.records[next].received.Before(end); next++ {
			c := s.records[next]
			row, bad, labelled := s.row(c, len(rows)+1, fmt.Sprintf("HG-%s-%06d", tag, next+1), lab, rl, ri)
			if bad != "" {
				m.Invalid++
				m.InvalidByKind[bad]++
			}
			if !labelled {
				m.LabelFallbacks++
			}
			rows = append(rows, row)
			m.CasesByYear[strconv.Itoa(c.received.Year())]++
			m.CasesByOutcome[string(c.outcome)]++
			switch c.kind {
			case kindEpisode:
				m.EpisodeCases++
			case kindDecoy:
				m.DecoyCases++
			}
		}
		p := filepath.Join(outDir, name)
		if err := writeCSV(p, Header, rows); err != nil {
			return nil, err
		}
		sum.Files = append(sum.Files, p)
		m.Files = append(m.Files, name)
		sum.Rows += len(rows)
	}
	m.Rows, sum.Invalid = sum.Rows, m.Invalid

	var truth [][]string
	for _, t := range s.truth() {
		truth = append(truth, []string{t.id, t.unit, t.role, weekString(t.start), weekString(t.peak), weekString(t.end)})
	}
	p := filepath.Join(outDir, "ground_truth.csv")
	if err := writeCSV(p, TruthHeader, truth); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, p)
	m.Files = append(m.Files, "ground_truth.csv", "manifest.json")

	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	p = filepath.Join(outDir, "manifest.json")
	if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	sum.Files = append(sum.Files, p)
	return sum, nil
}

// row formats case c as logbook row number stt; bad names the kind of damage
// done to it ("" for a valid row); labelled is false when an old-period case
// had to be written with its current unit name. The label and damage streams
// are drawn in row order.
func (s *sim) row(c *record, stt int, id string, lab *labeler, rl, ri *rand.Rand) (row []string, bad string, labelled bool) {
	district, unit, labelled := lab.label(rl, s.units[c.unit].u, c.received)
	received := c.received.Format(dateLayout)
	closed := ""
	if !c.closed.IsZero() {
		closed = c.closed.Format(dateLayout)
	}
	outcome := c.outcome
	if x := ri.Float64(); x < s.cfg.InvalidRate {
		bad = invalidKinds[ri.IntN(len(invalidKinds))]
		switch bad {
		case InvalidImpossibleDate:
			if ri.IntN(2) == 0 {
				received = fmt.Sprintf("31/02/%04d", c.received.Year())
			} else {
				received = fmt.Sprintf("%04d-13-45", c.received.Year())
			}
		case InvalidEmptyReceived:
			received = ""
		case InvalidUnknownUnit:
			unit = UnknownUnitName
		case InvalidClosedBefore:
			closed = c.received.AddDate(0, 0, -between(ri, 1, 10)).Format(dateLayout)
			if outcome == models.OutcomeInProgress {
				outcome = models.OutcomeSettled
			}
		}
	}
	return []string{
		strconv.Itoa(stt), id, received, closed, district, unit, c.village, c.team,
		joinParties(c.parties), c.summary, categoryLabel[c.category], outcomeLabel[outcome],
		flag(c.violence), flag(c.crime), referralLabel[c.referral], c.note,
	}, bad, labelled
}

func flag(b bool) string {
	if b {
		return "Có"
	}
	return ""
}

// seedTag is a short code derived from the seed (SplitMix64 finaliser).
func seedTag(seed uint64) string {
	z := seed + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return fmt.Sprintf("%06X", z&0xffffff)
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	if err := w.Write(header); err != nil {
		f.Close()
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	return nil
}
