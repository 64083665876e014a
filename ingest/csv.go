package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/canhbao/canhbao/models"
)

// Options for parsing.
type Options struct {
	Key       []byte // HMAC key for party hashes (required)
	Resolver  *Resolver
	Delimiter rune // 0 = detect among , ; \t from the header line
}

// Stats counts what happened to the rows of one file.
//
// Read counts every CSV record of the file except the header row itself
// (and a second header row directly under it, as in the official form
// where "Kết quả hòa giải" spans "Hòa giải thành" and "Hòa giải không
// thành"). Each counted record is exactly one of:
//   - Emitted: a data row that became a models.Case;
//   - Quarantined: a data row that became a models.RowError;
//   - Ignored: a title row above the header, a row of empty cells, a total
//     row ("Tổng cộng", "Cộng"), a row of column numbers ("(1)", "(2)", ...)
//     or a repeated header row.
//
// So Read == Emitted + Quarantined + Ignored always holds. Lines with no
// characters at all are skipped by the CSV reader and are not counted.
type Stats struct{ Read, Emitted, Quarantined, Ignored int }

// Record is one parsed row: exactly one of Case or Err is set.
type Record struct {
	Row  int // 1-based line of the record's start in the file
	Case *models.Case
	// Aggregated marks a row of a source with a count column (weekly
	// counts per area), Count its count. Parse emits such a row as Count
	// records with keys Key+"#1".."#n" (whatever n, so that a count that
	// grows in a re-sent file adds cases) and counts a row of count 0 as
	// ignored; the records it emits have Aggregated false.
	Aggregated bool
	Count      int
	Err  *models.RowError
	// Cells is the quarantined row cell by cell, labelled by its header and
	// masked like RowError.Raw, for an export that can be corrected and
	// ingested again.
	Cells []Cell
}

// Cell is one labelled cell of a quarantined row.
type Cell struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// ErrNoHeader is wrapped by ParseCSV's error when no header row is found.
var ErrNoHeader = errors.New("no header row")

// minHeaderLabels is how many known labels make a row the header.
const minHeaderLabels = 3

// maxLabelLen bounds the length in bytes of a cell that can be a header
// label (the longest known label is about 70 bytes).
const maxLabelLen = 160

// sniffSize is how much of a file is examined to pick the delimiter.
const sniffSize = 64 << 10

// ParseCSV streams the rows of one logbook CSV (encoding detected: UTF-8
// with or without BOM, UTF-16 with BOM, Windows-1258), calling emit for
// every data row, in file order. It is Parse over a CSVReader.
func ParseCSV(file string, r io.Reader, opt Options, emit func(Record) error) (Stats, error) {
	rd, err := NewCSVReader(file, r, "", opt.Delimiter)
	if err != nil {
		return Stats{}, err
	}
	return Parse(file, rd, opt, emit)
}

// CSVReader reads delimited text: , ; or tab, in any of Encodings.
type CSVReader struct {
	file     string
	cr       *csv.Reader
	Encoding string // the encoding used (detected or given)
	Comma    rune   // the delimiter used
}

// NewCSVReader reads CSV from r. enc "" detects the encoding, delim 0 the
// delimiter (the one under which a row of the first 64 KiB has the most
// known header labels).
func NewCSVReader(file string, r io.Reader, enc string, delim rune) (*CSVReader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < sniffSize {
		br = bufio.NewReaderSize(r, sniffSize)
	}
	text, enc, err := decoder(file, br, enc)
	if err != nil {
		return nil, err
	}
	tr, ok := text.(*bufio.Reader)
	if !ok {
		tr = bufio.NewReaderSize(text, sniffSize)
	}
	if delim == 0 {
		head, _ := tr.Peek(sniffSize) // a short file gives EOF: head holds all of it
		delim = sniffDelimiter(head)
	}
	cr := csv.NewReader(tr)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &CSVReader{file: file, cr: cr, Encoding: enc, Comma: delim}, nil
}

// Next returns the next record; its cells are valid until the next call.
func (c *CSVReader) Next() (Row, error) {
	cells, err := c.cr.Read()
	if err == io.EOF {
		return Row{}, io.EOF
	}
	if err != nil {
		return Row{}, fmt.Errorf("ingest: %s: unreadable CSV: %w", c.file, err)
	}
	line, _ := c.cr.FieldPos(0)
	return Row{Num: line, Cells: cells}, nil
}

// Parse reads every table of rd, calling emit for every data row, in
// order.
//
// The header row of a table is the first row where at least 3 cells are
// known labels (see labels; case, diacritics and punctuation do not
// matter). Rows above it are title rows. Columns are mapped to canonical
// fields; a table must have a received date, a unit (name or code), a
// category and an outcome (one column, or the official form's two marked
// columns) or the file is rejected as a whole. A table (XLSX sheet) with
// no header row at all is counted as ignored rows, unless no table of the
// file has one: then the file is rejected.
//
// Each data row is parsed, its unit resolved with opt.Resolver as of its
// received date, and the case checked with Validate. A row that fails
// becomes a Record with Err set: RowError.Field is the first bad field, the
// reason quotes the bad value, and any further problems follow it. Party
// names reach neither the Case (only PartiesHash) nor RowError.Raw (where
// the parties, mediators, agreement, summary and notes columns, and any
// column without a known label, read "[đã ẩn]").
//
// Case.Key is "id:"+case id when the row has one, else "c:" and a hash of
// the current unit, received date, parties hash and summary hash; STT is
// never part of it.
//
// A malformed file (no header, unreadable) returns an error naming the
// file, with the Stats of the rows read before it. If emit returns an
// error, Parse stops and returns it; that row is not counted.
func Parse(file string, rd Reader, opt Options, emit func(Record) error) (Stats, error) {
	if len(opt.Key) == 0 {
		return Stats{}, fmt.Errorf("ingest: %s: no HMAC key for party hashes", file)
	}
	if opt.Resolver == nil {
		return Stats{}, fmt.Errorf("ingest: %s: no unit resolver", file)
	}
	return runPipeline(file, rd, opt, emit)
}

// classify reads the rows of rd in order, deciding for each whether it is
// a header, an ignored row or a data row (header detection is sequential),
// and passes data and ignored rows, and a final error if any, to out.
// out returns false to stop reading.
func classify(file string, rd Reader, opt Options, out func(p *parser, it item) bool) error {
	var p *parser
	sheet, headers, notText := "", 0, false
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if p == nil || row.Sheet != sheet {
			if p != nil && p.cols != nil {
				headers++
			}
			sheet = row.Sheet
			name := file
			if sheet != "" {
				name = file + " [" + sheet + "]"
			}
			p = &parser{file: name, opt: opt}
		}
		kind := p.row(row.Cells)
		switch kind {
		case rowHeader:
			continue
		case rowIgnored:
			if p.cols == nil && !notText {
				for _, c := range row.Cells {
					if !utf8.ValidString(c) {
						notText = true
						break
					}
				}
			}
			if !out(p, item{kind: rowIgnored}) {
				return nil
			}
			continue
		case rowBadHeader:
			return p.headerErr
		}
		if !out(p, item{kind: rowData, line: row.Num, cells: row.Cells, excel: row.ExcelDates}) {
			return nil
		}
	}
	if p != nil && p.cols != nil {
		headers++
	}
	if headers == 0 {
		msg := fmt.Sprintf("ingest: %s: %%w: no row has %d or more known column labels such as STT, %q, Xã/Phường, Loại vụ việc, Kết quả hòa giải",
			file, minHeaderLabels, labels[fReceived][0])
		if notText {
			msg += " (the file is not text in a known encoding: save it as CSV UTF-8 or give --encoding)"
		}
		return fmt.Errorf(msg, ErrNoHeader)
	}
	return nil
}

// sniffDelimiter picks among , ; and tab the one under which some row of
// head has the most known header labels (comma on ties or no header).
func sniffDelimiter(head []byte) rune {
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(head))
		cr.Comma = d
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		for {
			cells, err := cr.Read()
			if err != nil {
				break // EOF, or a record cut off at the end of head
			}
			if n := countLabels(cells); n >= minHeaderLabels && n > bestN {
				best, bestN = d, n
			}
		}
	}
	return best
}

func countLabels(cells []string) int {
	n := 0
	for _, c := range cells {
		if len(c) > maxLabelLen {
			continue
		}
		if _, ok := labelField[labelKey(c)]; ok {
			n++
		}
	}
	return n
}

type rowKind int

const (
	rowData rowKind = iota
	rowHeader
	rowIgnored
	rowBadHeader
)

type parser struct {
	file      string
	opt       Options
	names     []string       // header labels as written
	cols      []string       // column -> field ("" unknown)
	at        map[string]int // field -> first column
	afterHead bool           // the previous record was the header
	outcomeOK bool           // the columns hold an outcome (checked at the first data row)
	headerErr error
	ix        colIndex // columns of the fields (set at the first data row)
}

// row classifies one row; a data row is then parsed by data (possibly in
// another goroutine: the header state is fixed from the first data row on).
func (p *parser) row(cells []string) rowKind {
	if p.cols == nil {
		if countLabels(cells) < minHeaderLabels {
			return rowIgnored // title row
		}
		p.header(cells)
		if err := p.checkHeader(); err != nil {
			p.headerErr = err
			return rowBadHeader
		}
		p.afterHead = true
		return rowHeader
	}
	afterHead := p.afterHead
	p.afterHead = false
	if blank(cells) || totalRow(cells) || numberRow(cells) {
		return rowIgnored
	}
	if n := labelRow(cells); n > 0 {
		if afterHead { // second header row: fills in the columns it names
			p.subHeader(cells)
			return rowHeader
		}
		if n >= minHeaderLabels {
			return rowIgnored // repeated header
		}
	}
	if !p.outcomeOK {
		if !p.has(fOutcome) && !p.has(fSettled) && !p.has(fNotSettled) {
			p.headerErr = fmt.Errorf("ingest: %s: header has no column for outcome (Kết quả hòa giải, or Hòa giải thành and Hòa giải không thành)", p.file)
			return rowBadHeader
		}
		p.outcomeOK = true
		p.index()
	}
	return rowData
}

// labelRow returns how many cells are known labels when every non-empty
// cell is one (countLabels(cells) == nonEmpty(cells)), else 0; it stops at
// the first cell that is not a label, so a data row costs one label key.
func labelRow(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if len(c) > maxLabelLen {
			return 0
		}
		if _, ok := labelField[labelKey(c)]; !ok {
			return 0
		}
		n++
	}
	return n
}

// colIndex holds the column of each field read by data (-1 when absent).
type colIndex struct {
	caseID, seq, received, closed, unitCode, unitName, district, village, team, parties, summary,
	category, outcome, settled, notSettled, violence, crime, referred, count int
}

// index fills p.ix from p.at (once the header is complete).
func (p *parser) index() {
	at := func(f string) int {
		if i, ok := p.at[f]; ok {
			return i
		}
		return -1
	}
	p.ix = colIndex{at(fCaseID), at(fSeq), at(fReceived), at(fClosed), at(fUnitCode), at(fUnitName), at(fDistrict),
		at(fVillage), at(fTeam), at(fParties), at(fSummary), at(fCategory), at(fOutcome), at(fSettled),
		at(fNotSettled), at(fViolence), at(fCrime), at(fReferred), at(fCount)}
}

// c returns the trimmed cell of column i ("" when absent): p.cell by index.
func (p *parser) c(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

func (p *parser) header(cells []string) {
	p.cols = make([]string, len(cells))
	p.names = make([]string, len(cells))
	p.at = map[string]int{}
	for i, c := range cells {
		p.names[i] = cleanText(c)
		f := labelField[labelKey(c)]
		if _, dup := p.at[f]; f == "" || dup {
			continue // unknown or repeated: kept out of the case, redacted in Raw
		}
		p.cols[i] = f
		p.at[f] = i
	}
}

func (p *parser) subHeader(cells []string) {
	for i, c := range cells {
		f := labelField[labelKey(c)]
		if f == "" {
			continue
		}
		if _, dup := p.at[f]; dup {
			continue
		}
		for i >= len(p.cols) {
			p.cols = append(p.cols, "")
			p.names = append(p.names, "")
		}
		if old := p.cols[i]; old != "" {
			delete(p.at, old)
		}
		p.cols[i] = f
		p.names[i] = cleanText(c)
		p.at[f] = i
	}
}

func (p *parser) checkHeader() error {
	var missing []string
	has := func(f ...string) bool {
		for _, x := range f {
			if _, ok := p.at[x]; ok {
				return true
			}
		}
		return false
	}
	if !has(fReceived) {
		missing = append(missing, fmt.Sprintf("received date (%q)", labels[fReceived][0]))
	}
	if !has(fUnitName, fUnitCode) {
		missing = append(missing, "unit (Xã/Phường or Mã xã/phường)")
	}
	if !has(fCategory) {
		missing = append(missing, "category (Loại vụ việc)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("ingest: %s: header has no column for %s", p.file, strings.Join(missing, ", "))
	}
	return nil
}

func blank(cells []string) bool { return nonEmpty(cells) == 0 }

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// totalRow reports whether the first non-empty cell says "Tổng cộng",
// "Cộng", "Tổng" or "Tổng số".
func totalRow(cells []string) bool {
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if c[0] >= '0' && c[0] <= '9' { // a row number (STT): most rows, and never a total label
			return false
		}
		switch valueKey(c) {
		case "tongcong", "cong", "tong", "tongso", "total":
			return true
		}
		return false
	}
	return false
}

// numberRow reports whether the row numbers the columns: every non-empty
// cell an integer, possibly in parentheses, rising by one from 1 (at least
// 3 of them).
func numberRow(cells []string) bool {
	want := 1
	for _, c := range cells {
		c = strings.Trim(strings.TrimSpace(c), "()")
		if c == "" {
			continue
		}
		if c != strconv.Itoa(want) {
			return false
		}
		want++
	}
	return want > minHeaderLabels
}

// cell returns the trimmed cell of field f ("" when absent).
func (p *parser) cell(cells []string, f string) string {
	i, ok := p.at[f]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

func (p *parser) has(f string) bool { _, ok := p.at[f]; return ok }

// raw is the row for the quarantine: its cells as (label, value), empty
// cells left out, and the cells of private and unlabelled columns, and
// cells naming a party, replaced by "[đã ẩn]".
func (p *parser) raw(cells []string, names []string) []Cell {
	var out []Cell
	for i, c := range cells {
		c = cleanText(strings.ToValidUTF8(c, "\uFFFD"))
		if c == "" {
			continue
		}
		name, f := fmt.Sprintf("cột %d", i+1), ""
		if i < len(p.cols) {
			f = p.cols[i]
			if p.names[i] != "" {
				name = strings.ToValidUTF8(p.names[i], "\uFFFD")
			}
		}
		if f == "" || private[f] || mentions(c, names) {
			c = redacted
		} else if utf8.RuneCountInString(c) > 200 {
			c = string([]rune(c)[:200]) + "…"
		}
		out = append(out, Cell{Label: name, Value: c})
	}
	return out
}

// rawText joins cells as "label: value | label: value".
func rawText(cells []Cell) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = c.Label + ": " + c.Value
	}
	return strings.Join(parts, " | ")
}

// mentions reports whether text contains one of the party name keys (of
// two words or more) as whole words, ignoring case and diacritics.
func mentions(text string, names []string) bool {
	if len(names) == 0 {
		return false
	}
	t := " " + fold(text, true) + " "
	for _, n := range names {
		if strings.Contains(n, " ") && strings.Contains(t, " "+n+" ") {
			return true
		}
	}
	return false
}

// hide returns s, or "[đã ẩn]" if s names a party.
func hide(s string, names []string) string {
	if mentions(s, names) {
		return redacted
	}
	return s
}

// problems collects the bad fields of a row, first one first.
type problems struct {
	list []models.FieldError
}

func (ps *problems) add(field string, err error) {
	ps.list = append(ps.list, models.FieldError{Field: field, Reason: err.Error()})
}

func (p *parser) data(cells []string, line int, excelDates bool, sc *scratch) Record {
	x := &p.ix
	// Party names of this row: text quoting them from other columns (a
	// name typed into the village or a flag column) is hidden too.
	partiesCell := p.c(cells, x.parties)
	names := partyNames(partiesCell)
	fail := func(ps problems) Record {
		for i := range ps.list {
			if mentions(ps.list[i].Reason, names) {
				ps.list[i].Reason = "invalid value (not shown: it contains a party's name)"
			}
		}
		first := ps.list[0]
		reason := first.Reason
		if len(ps.list) > 1 {
			var more []string
			for _, fe := range ps.list[1:] {
				more = append(more, fe.Error())
			}
			reason += " (also " + strings.Join(more, "; ") + ")"
		}
		raw := p.raw(cells, names)
		return Record{Row: line, Cells: raw, Err: &models.RowError{File: p.file, Row: line, Field: first.Field,
			Reason: reason, Raw: rawText(raw), Err: &first}}
	}
	var ps problems
	for _, c := range cells {
		if !utf8.ValidString(c) {
			ps.list = append(ps.list, models.FieldError{Reason: "not UTF-8 text (save the logbook as CSV UTF-8)"})
			return fail(ps)
		}
	}

	c := &models.Case{
		SourceCaseID: cleanText(p.c(cells, x.caseID)),
		Seq:          parseSeq(p.c(cells, x.seq)),
		Village:      sc.hide(p.c(cells, x.village), names),
		Team:         sc.hide(p.c(cells, x.team), names),
		PartiesHash:  sc.partiesHash(names),
	}
	summary := p.c(cells, x.summary)
	if partiesCell == redacted {
		ps.add(fParties, errors.New("still reads "+redacted+" (a quarantine export masks it): copy it from the logbook"))
	}
	if summary == redacted {
		ps.add(fSummary, errors.New("still reads "+redacted+" (a quarantine export masks it): copy it from the logbook"))
	}

	var err error
	if s := p.c(cells, x.received); s == "" {
		ps.add(fReceived, errors.New("missing"))
	} else if c.ReceivedDate, err = p.date(s, excelDates); err != nil {
		ps.add(fReceived, err)
	}
	if s := p.c(cells, x.closed); s != "" {
		if c.ClosedDate, err = p.date(s, excelDates); err != nil {
			ps.add(fClosed, err)
		} else if !c.ReceivedDate.IsZero() && c.ClosedDate.Before(c.ReceivedDate) {
			ps.add(fClosed, fmt.Errorf("%q is before the received date %s", s, c.ReceivedDate.Format("02/01/2006")))
		}
	}

	if c.Category, err = parseCategory(p.c(cells, x.category)); err != nil {
		ps.add(fCategory, err)
	}
	// the summary is folded once, for its hash, its subtopic and the tension flag
	c.SummaryHash, c.Subtopic, c.Tension = sc.summary(summary, c.Category)
	if c.Outcome, err = p.outcome(cells, !c.ClosedDate.IsZero()); err != nil {
		ps.add(fOutcome, err)
	}
	if c.ViolenceRisk, err = parseFlag(p.c(cells, x.violence)); err != nil {
		ps.add(fViolence, err)
	}
	if c.CrimeSigns, err = parseFlag(p.c(cells, x.crime)); err != nil {
		ps.add(fCrime, err)
	}
	c.ReferredTo = parseReferral(p.c(cells, x.referred))
	count := 0
	if x.count >= 0 {
		if count, err = parseCount(p.c(cells, x.count)); err != nil {
			ps.add(fCount, err)
		}
	}

	if !c.ReceivedDate.IsZero() {
		code, name, district := p.c(cells, x.unitCode), p.c(cells, x.unitName), p.c(cells, x.district)
		// the key that apportions a case of a split unit, built only when needed
		splitKey := func() string {
			if c.SourceCaseID != "" {
				return "id:" + c.SourceCaseID
			}
			return "c:" + strings.Join([]string{code, NormalizeName(name), NormalizeName(district),
				c.ReceivedDate.Format("2006-01-02"), c.PartiesHash, c.SummaryHash}, "\x1f")
		}
		c.UnitCode, c.SourceUnitCode, c.Apportioned, err = sc.cache.resolve(code, name, district, c.ReceivedDate, splitKey)
		if err != nil {
			var fe *models.FieldError
			if errors.As(err, &fe) {
				ps.list = append(ps.list, *fe)
			} else {
				ps.add(fUnitName, err)
			}
		}
	}
	if len(ps.list) > 0 {
		return fail(ps)
	}

	if c.SourceCaseID != "" {
		c.Key = "id:" + c.SourceCaseID
	} else {
		h := sha256.Sum256([]byte(strings.Join([]string{c.UnitCode, c.ReceivedDate.Format("2006-01-02"),
			c.PartiesHash, c.SummaryHash}, "\x1f")))
		c.Key = "c:" + hex.EncodeToString(h[:16])
	}
	if err := c.Validate(); err != nil {
		var fe *models.FieldError
		if !errors.As(err, &fe) {
			fe = &models.FieldError{Reason: err.Error()}
		}
		ps.list = append(ps.list, *fe)
		return fail(ps)
	}
	return Record{Row: line, Case: c, Aggregated: x.count >= 0, Count: count}
}

// outcome reads the outcome column, or else the official form's two marked
// columns (neither marked: in progress). An empty outcome is in progress
// unless the case has a closed date.
func (p *parser) outcome(cells []string, closed bool) (models.Outcome, error) {
	if s := p.c(cells, p.ix.outcome); s != "" {
		return parseOutcome(s)
	}
	if p.ix.settled >= 0 || p.ix.notSettled >= 0 {
		ok, notOK := parseMark(p.c(cells, p.ix.settled)), parseMark(p.c(cells, p.ix.notSettled))
		switch {
		case ok && notOK:
			return "", errors.New("both Hòa giải thành and Hòa giải không thành are marked")
		case ok:
			return models.OutcomeSettled, nil
		case notOK:
			return models.OutcomeNotSettled, nil
		}
		if closed {
			return "", errors.New("neither Hòa giải thành nor Hòa giải không thành is marked, but the case has a closed date")
		}
		return models.OutcomeInProgress, nil
	}
	if closed {
		return "", errors.New("missing, but the case has a closed date")
	}
	return models.OutcomeInProgress, nil
}

// date parses a date cell; in a spreadsheet a number is an Excel serial date.
func (p *parser) date(s string, excelDates bool) (time.Time, error) {
	if excelDates {
		if t, ok := excelSerial(s); ok {
			return t, nil
		}
	}
	return parseDate(s)
}
