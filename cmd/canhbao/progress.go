package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "file [#####     ] 42%  1,234,567 rows" on a terminal,
// at most 5 times a second, from the read position of the input file. It
// does nothing when off.
type progressBar struct {
	w     io.Writer
	name  string
	f     *os.File
	size  int64
	on    bool
	rows  int
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer, name string, f *os.File, size int64, on bool) *progressBar {
	return &progressBar{w: w, name: name, f: f, size: size, on: on, last: time.Now()}
}

func (p *progressBar) tick() {
	p.rows++
	if !p.on || p.rows%4096 != 0 || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progressBar) draw() {
	pos, err := p.f.Seek(0, io.SeekCurrent)
	frac := 0.0
	if err == nil && p.size > 0 {
		frac = min(float64(pos)/float64(p.size), 1)
	}
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %d rows", p.name, strings.Repeat("#", n), strings.Repeat(" ", width-n), 100*frac, p.rows)
	p.drawn = true
}

// done clears the bar.
func (p *progressBar) done() {
	if p.on && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
