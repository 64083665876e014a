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
	Files      []string   // paths written, in order
	History    []string   // the monthly logbook files (logbook_YYYY-MM.csv), in order
	Deliveries []Delivery // the weekly deliveries (Config.Deliveries), in date order
	Rows       int        // data rows written in all logbook files (valid + invalid)
	Invalid    int        // rows deliberately made invalid
	Pending    int        // rows in deliveries dated after To: logbooks not yet arrived at To
	Resent     int        // rows re-sent closed after going out in progress: Rows - Resent cases
	Episodes   int
}

// Delivery is the logbook files that reached the system on one day.
type Delivery struct {
	Date    time.Time
	Files   []string
	Formats []string // of each file: FormatCSV, FormatSemicolon or FormatCP1258
}

// Header is the header row of a logbook file: the official labels.
var Header = []string{"STT", "Mã vụ việc", "Ngày, tháng, năm nhận vụ, việc hòa giải", "Ngày kết thúc",
	"Quận/Huyện", "Xã/Phường", "Thôn/Tổ dân phố", "Tổ hòa giải", "Họ tên, tuổi, địa chỉ của các bên",
	"Nội dung chủ yếu của vụ, việc", "Loại vụ việc", "Kết quả hòa giải", "Nguy cơ bạo lực",
	"Dấu hiệu tội phạm", "Chuyển cơ quan", "Ghi chú"}

// ArrivalsHeader is the header row of arrivals.csv: every simulated case
// with its current unit, received and arrival dates (YYYY-MM-DD) and the
// file holding its row, relative to the output folder.
var ArrivalsHeader = []string{"case_id", "unit_code", "received_date", "arrived_date", "file"}

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
	lateness      []lateness // by unit index
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
	s.drawArrivals(newRand(cfg.Seed, streamArrive))
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
	Deliveries     int            `json:"deliveries"` // weeks written as weekly deliveries
	Units          int            `json:"units"`
	LateUnits      int            `json:"late_units"` // habitually late units
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
	Pending        int            `json:"pending"`         // cases arriving after To: in deliveries dated after To
	// The rows of the deliveries dated after To, so that a warehouse
	// loaded only with what had arrived by To can be reconciled with this
	// manifest: pending_rows = pending + pending_resent; of them
	// pending_invalid are damaged (damaged rows are never re-sent).
	PendingRows    int `json:"pending_rows"`
	PendingInvalid int `json:"pending_invalid"`
	PendingResent  int `json:"pending_resent"` // re-sent closed rows delivered after To (updates still to come)
	Resent         int `json:"resent"`         // rows re-sent closed after going out in progress (updates)
	// DeliveryFormats counts the delivery files by format (formats.go).
	DeliveryFormats map[string]int `json:"delivery_formats"`
}

func (s *sim) write(g *models.Geography, outDir string) (*Summary, error) {
	sum := &Summary{Episodes: len(s.episodes)}
	m := manifest{
		Seed: s.cfg.Seed, From: s.from.Format(dateLayout), To: s.to.Format(dateLayout),
		Scale: s.cfg.Scale, InvalidRate: s.cfg.InvalidRate, Deliveries: s.cfg.Deliveries, Units: len(s.units),
		InvalidByKind: map[string]int{}, CasesByYear: map[string]int{}, CasesByOutcome: map[string]int{},
		Episodes: len(s.episodes), Decoys: len(s.decoys), DeliveryFormats: map[string]int{},
	}
	for _, k := range invalidKinds {
		m.InvalidByKind[k] = 0
	}
	for _, ep := range s.episodes {
		m.Spillovers += len(ep.effects) - 1
	}
	for _, l := range s.lateness {
		if l.late {
			m.LateUnits++
		}
	}

	// Rows that arrived by cutoff go into the monthly history files, by
	// received month; later ones into the file of their delivery, including
	// deliveries after To (the logbooks still to come, so that the counts
	// as they eventually are can be known). With no deliveries, every row
	// is history.
	cutoff, lastMonth := s.to, s.to
	if s.cfg.Deliveries > 0 {
		cutoff = s.to.AddDate(0, 0, -7*s.cfg.Deliveries)
		lastMonth = cutoff
	}
	history := func(c *record) bool { return s.cfg.Deliveries == 0 || !c.arrived.After(cutoff) }
	var months []time.Time
	for mon := time.Date(s.from.Year(), s.from.Month(), 1, 0, 0, 0, 0, time.UTC); !mon.After(lastMonth); mon = mon.AddDate(0, 1, 0) {
		months = append(months, mon)
	}
	file := make([]string, len(s.records)) // each record's file, relative to outDir
	delivered := map[time.Time][][]string{}
	var cur [][]string // rows of months[mi]
	mi := 0
	flush := func() error {
		name := fmt.Sprintf("logbook_%04d-%02d.csv", months[mi].Year(), int(months[mi].Month()))
		p := filepath.Join(outDir, name)
		if err := writeCSV(p, Header, cur); err != nil {
			return err
		}
		sum.Files = append(sum.Files, p)
		sum.History = append(sum.History, p)
		m.Files = append(m.Files, name)
		sum.Rows += len(cur)
		cur, mi = nil, mi+1
		return nil
	}

	lab := newLabeler(g)
	rl := newRand(s.cfg.Seed, streamLabels)
	ri := newRand(s.cfg.Seed, streamInvalid)
	tag := seedTag(s.cfg.Seed)
	ids := make([]string, len(s.records))
	for i, c := range s.records {
		// Labels and damage are drawn for every record in received order,
		// written or not, so the layout changes no row's content.
		ids[i] = fmt.Sprintf("HG-%s-%06d", tag, i+1)
		row, bad, labelled := s.row(c, 0, ids[i], lab, rl, ri)
		// A case still open on the day its file was sent (the cutoff for
		// the history) goes out in progress and is re-sent, closed, with
		// the first delivery after it closed: an update, as in real
		// re-sent logbooks. Damaged rows are not re-sent.
		sent := c.arrived
		if history(c) {
			sent = cutoff
		}
		final := row
		resend := s.cfg.Deliveries > 0 && bad == "" && !c.closed.IsZero() && c.closed.After(sent)
		if resend {
			row = append([]string(nil), row...)
			row[rowClosed], row[rowOutcome] = "", outcomeLabel[models.OutcomeInProgress]
		}
		switch {
		case history(c):
			for mi+1 < len(months) && !c.received.Before(months[mi+1]) {
				if err := flush(); err != nil {
					return nil, err
				}
			}
			row[0] = strconv.Itoa(len(cur) + 1)
			cur = append(cur, row)
			file[i] = fmt.Sprintf("logbook_%04d-%02d.csv", months[mi].Year(), int(months[mi].Month()))
		default:
			row[0] = strconv.Itoa(len(delivered[c.arrived]) + 1)
			delivered[c.arrived] = append(delivered[c.arrived], row)
			file[i] = deliveryName(c.arrived)
			if c.arrived.After(s.to) {
				m.Pending++
				if bad != "" {
					m.PendingInvalid++
				}
			}
		}
		if resend {
			d := nextDelivery(c.closed)
			final[0] = strconv.Itoa(len(delivered[d]) + 1)
			delivered[d] = append(delivered[d], final)
			m.Resent++
			if d.After(s.to) {
				m.PendingResent++
			}
		}
		if bad != "" {
			m.Invalid++
			m.InvalidByKind[bad]++
		}
		if !labelled {
			m.LabelFallbacks++
		}
		m.CasesByYear[strconv.Itoa(c.received.Year())]++
		m.CasesByOutcome[string(c.outcome)]++
		switch c.kind {
		case kindEpisode:
			m.EpisodeCases++
		case kindDecoy:
			m.DecoyCases++
		}
	}
	for mi < len(months) {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	days := make([]time.Time, 0, len(delivered))
	for d := range delivered {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	rf := newRand(s.cfg.Seed, streamFormat)
	for _, d := range days {
		name := deliveryName(d)
		p := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		format := drawFormat(rf)
		if err := writeLogbook(p, format, delivered[d]); err != nil {
			return nil, err
		}
		m.DeliveryFormats[format]++
		sum.Files = append(sum.Files, p)
		sum.Deliveries = append(sum.Deliveries, Delivery{Date: d, Files: []string{p}, Formats: []string{format}})
		m.Files = append(m.Files, name)
		sum.Rows += len(delivered[d])
	}
	m.Rows, sum.Invalid, sum.Pending, sum.Resent = sum.Rows, m.Invalid, m.Pending, m.Resent
	m.PendingRows = m.Pending + m.PendingResent

	var arr [][]string
	for i, c := range s.records {
		arr = append(arr, []string{ids[i], s.units[c.unit].u.Code, c.received.Format(time.DateOnly),
			c.arrived.Format(time.DateOnly), file[i]})
	}
	p := filepath.Join(outDir, "arrivals.csv")
	if err := writeCSV(p, ArrivalsHeader, arr); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, p)

	var truth [][]string
	for _, t := range s.truth() {
		truth = append(truth, []string{t.id, t.unit, t.role, weekString(t.start), weekString(t.peak), weekString(t.end)})
	}
	p = filepath.Join(outDir, "ground_truth.csv")
	if err := writeCSV(p, TruthHeader, truth); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, p)
	m.Files = append(m.Files, "arrivals.csv", "ground_truth.csv", "manifest.json")

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

// Positions of the closing date and the outcome in a logbook row (Header).
const (
	rowClosed  = 3
	rowOutcome = 11
)

// deliveryName is the file of the delivery of day d, relative to the output
// folder: deliveries/YYYY-MM-DD/logbook_YYYY-MM-DD.csv.
func deliveryName(d time.Time) string {
	day := d.Format(time.DateOnly)
	return filepath.Join("deliveries", day, "logbook_"+day+".csv")
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
