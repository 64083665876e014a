package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"runtime"
	"strconv"
	"sync"

	"github.com/canhbao/canhbao/models"
)

// The parse pipeline: one goroutine reads and classifies rows (header
// detection is sequential), GOMAXPROCS workers parse the data rows of
// order-preserving chunks (dates, codes, unit resolution, hashes), and the
// goroutine that called Parse emits the records in file order. Memory is
// bounded by chunkRows × inFlight rows.
const (
	chunkRows      = 512
	inFlightPerCPU = 4
)

// item is one counted row of a chunk: ignored, or data to be parsed.
type item struct {
	kind  rowKind // rowData or rowIgnored
	line  int
	excel bool
	cells []string
	rec   Record
}

type chunk struct {
	p     *parser // the table the rows belong to
	items []item
	cells []string // backing store of the items' cells
	data  bool     // some item is data
	err   error    // ends the stream after the items
	done  chan struct{}
}

func runPipeline(file string, rd Reader, opt Options, emit func(Record) error) (Stats, error) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	order := make(chan *chunk, workers*inFlightPerCPU)
	jobs := make(chan *chunk, workers*inFlightPerCPU)
	stop := make(chan struct{})
	var wg sync.WaitGroup

	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch(opt)
			for c := range jobs {
				for i := range c.items {
					if it := &c.items[i]; it.kind == rowData {
						it.rec = c.p.data(it.cells, it.line, it.excel, sc)
					}
				}
				close(c.done)
			}
		}()
	}

	wg.Add(1)
	go func() { // reader
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		var cur *chunk
		send := func() bool {
			c := cur
			cur = nil
			select {
			case order <- c:
			case <-stop:
				return false
			}
			if !c.data {
				close(c.done)
				return true
			}
			select {
			case jobs <- c:
				return true
			case <-stop:
				close(c.done)
				return false
			}
		}
		err := classify(file, rd, opt, func(p *parser, it item) bool {
			if cur != nil && cur.p != p {
				if !send() {
					return false
				}
			}
			if cur == nil {
				cur = &chunk{p: p, items: make([]item, 0, chunkRows), done: make(chan struct{})}
			}
			if it.kind == rowData {
				// the reader may reuse its cell slice: keep a copy
				if cap(cur.cells)-len(cur.cells) < len(it.cells) {
					cur.cells = make([]string, 0, max(chunkRows*len(it.cells), len(it.cells)))
				}
				n := len(cur.cells)
				cur.cells = append(cur.cells, it.cells...)
				it.cells = cur.cells[n:len(cur.cells):len(cur.cells)]
				cur.data = true
			}
			cur.items = append(cur.items, it)
			if len(cur.items) == chunkRows {
				return send()
			}
			return true
		})
		if err != nil || cur != nil {
			if cur == nil {
				cur = &chunk{done: make(chan struct{})}
			}
			cur.err = err
			send()
		}
	}()

	var st Stats
	finish := func(err error) (Stats, error) {
		close(stop)
		wg.Wait()
		return st, err
	}
	for c := range order {
		<-c.done
		for i := range c.items {
			it := &c.items[i]
			if it.kind == rowIgnored {
				st.Read++
				st.Ignored++
				continue
			}
			if it.rec.Case != nil && it.rec.Aggregated {
				// a row of an aggregated source: its count of cases, or none
				if it.rec.Count == 0 {
					st.Read++
					st.Ignored++
					continue
				}
				if err := emitCount(it.rec, emit); err != nil {
					return finish(err)
				}
				st.Read += it.rec.Count
				st.Emitted += it.rec.Count
				continue
			}
			if err := emit(it.rec); err != nil {
				return finish(err)
			}
			st.Read++
			if it.rec.Case != nil {
				st.Emitted++
			} else {
				st.Quarantined++
			}
		}
		if c.err != nil {
			return finish(c.err)
		}
	}
	return finish(nil)
}

// emitCount emits a row of an aggregated source that stands for rec.Count
// cases as that many records, keyed Key+"#1".."#n": a re-sent row with the
// same count is all duplicates, a larger count loads the extra cases, and
// counts per unit and week equal the source's. (A re-sent row with a
// smaller count cannot take cases back: the warehouse keeps what it was
// sent, see docs/ingest.md.) The cases of one row share everything else,
// including the current unit a split old unit's row was apportioned to.
func emitCount(rec Record, emit func(Record) error) error {
	base := rec.Case.Key
	for k := 1; k <= rec.Count; k++ {
		c := *rec.Case
		c.Key = base + "#" + strconv.Itoa(k)
		if err := emit(Record{Row: rec.Row, Case: &c}); err != nil {
			return err
		}
	}
	return nil
}

// scratch is what one worker reuses from row to row: the HMAC state, the
// unit lookups, and the keys of cells that repeat (villages, teams,
// summaries), each memo bounded by maxMemo entries of at most
// maxMemoValue bytes.
type scratch struct {
	mac   hash.Hash
	sum   []byte
	buf   []byte
	cache *resolveCache
	texts map[string]textKeys
	sums  map[summaryKey]summaryKeys
}

const (
	maxMemo      = 1 << 12
	maxMemoValue = 256
)

type textKeys struct {
	clean  string // cleanText
	folded string // " " + fold(clean, true) + " "
}

type summaryKey struct {
	s   string
	cat models.Category
}

type summaryKeys struct {
	hash    string
	sub     models.Subtopic
	tension bool
}

func newScratch(opt Options) *scratch {
	return &scratch{
		mac:   hmac.New(sha256.New, opt.Key),
		cache: newResolveCache(opt.Resolver),
		texts: make(map[string]textKeys),
		sums:  make(map[summaryKey]summaryKeys),
	}
}

// text returns the cleaned text of a cell and its padded folded key.
func (sc *scratch) text(s string) textKeys {
	if k, ok := sc.texts[s]; ok {
		return k
	}
	clean := cleanText(s)
	k := textKeys{clean, " " + fold(clean, true) + " "}
	if len(s) <= maxMemoValue {
		if len(sc.texts) >= maxMemo {
			clear(sc.texts)
		}
		sc.texts[s] = k
	}
	return k
}

// hide is hide(cleanText(s), names), with the key of s memoised.
func (sc *scratch) hide(s string, names []string) string {
	if s == "" {
		return ""
	}
	k := sc.text(s)
	if len(names) > 0 && mentionsFolded(k.folded, names) {
		return redacted
	}
	return k.clean
}

// mentionsFolded is mentions of a text given as its padded folded key.
func mentionsFolded(t string, names []string) bool {
	for _, n := range names {
		if containsSpace(n) && containsWords(t, n) {
			return true
		}
	}
	return false
}

func containsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}

// partiesHash is PartiesHash of a cell whose party names are names.
func (sc *scratch) partiesHash(names []string) string {
	if len(names) == 0 {
		return ""
	}
	b := sc.buf[:0]
	for i, n := range names {
		if i > 0 {
			b = append(b, '\x1f')
		}
		b = append(b, n...)
	}
	sc.buf = b
	sc.mac.Reset()
	sc.mac.Write(b)
	sc.sum = sc.mac.Sum(sc.sum[:0])
	return hex.EncodeToString(sc.sum[:16])
}

// summary returns SummaryHash(s), Subtopic(s, cat) and Tension(s), folding
// s once.
func (sc *scratch) summary(s string, cat models.Category) (string, models.Subtopic, bool) {
	key := summaryKey{s, cat}
	if k, ok := sc.sums[key]; ok {
		return k.hash, k.sub, k.tension
	}
	f := fold(s, true)
	var k summaryKeys
	if f != "" {
		h := sha256.Sum256([]byte(f))
		k.hash = hex.EncodeToString(h[:16])
	}
	padded := " " + f + " "
	k.sub = subtopicOf(padded, cat)
	k.tension = tensionOf(padded)
	if len(s) <= maxMemoValue {
		if len(sc.sums) >= maxMemo {
			clear(sc.sums)
		}
		sc.sums[key] = k
	}
	return k.hash, k.sub, k.tension
}
