package synthgeo

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// LogbookHeader is the simulator's logbook header (simulate/run.go).
const LogbookHeader = "STT,Mã vụ việc,\"Ngày, tháng, năm nhận vụ, việc hòa giải\",Ngày kết thúc,Quận/Huyện,Xã/Phường," +
	"Mã xã/phường,Thôn/Tổ dân phố,Tổ hòa giải,\"Họ tên, tuổi, địa chỉ của các bên\",\"Nội dung chủ yếu của vụ, việc\"," +
	"Loại vụ việc,Kết quả hòa giải,Nguy cơ bạo lực,Dấu hiệu tội phạm,Chuyển cơ quan,Ghi chú\n"

// LogbookConfig says how many logbook rows to write and over which days.
// It is for volume tests: rows are spread evenly over the days and over the
// units in proportion to population, with no seasons or episodes (use the
// simulate package for realistic scenarios).
type LogbookConfig struct {
	Rows     int
	From, To time.Time // inclusive; To should be a Sunday
	Seed     uint64
}

// Validate reports whether the configuration can be written.
func (c LogbookConfig) Validate() error {
	switch {
	case c.Rows <= 0:
		return fmt.Errorf("synthgeo: logbook Rows %d must be positive", c.Rows)
	case c.To.Sub(c.From) < 14*24*time.Hour:
		return fmt.Errorf("synthgeo: logbook range %s..%s is shorter than two weeks", c.From.Format(time.DateOnly), c.To.Format(time.DateOnly))
	}
	return nil
}

// WriteLogbooks writes the rows into dir as history_YYYY.csv (one file per
// calendar year, days before the last 7) and week.csv (the last 7 days,
// ending at To), and returns the number of rows in each part.
func (g *Geography) WriteLogbooks(ctx context.Context, c LogbookConfig, dir string) (history, week int, err error) {
	if err := c.Validate(); err != nil {
		return 0, 0, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, 0, fmt.Errorf("synthgeo: %w", err)
	}
	cum := make([]float64, len(g.Units))
	var tot float64
	for i, u := range g.Units {
		tot += float64(u.Population)
		cum[i] = tot
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x10cb00c))
	from := time.Date(c.From.Year(), c.From.Month(), c.From.Day(), 0, 0, 0, 0, time.UTC)
	to := time.Date(c.To.Year(), c.To.Month(), c.To.Day(), 0, 0, 0, 0, time.UTC)
	days := int(to.Sub(from).Hours()/24) + 1
	weekStart := to.AddDate(0, 0, -6)
	epochDay := from.Unix() / 86400
	dateStr := make([]string, days+40)
	for d := range dateStr {
		dateStr[d] = from.AddDate(0, 0, d).Format("02/01/2006")
	}
	cats := []string{"Dân sự", "Hôn nhân và gia đình", "Dân sự", "Khác"}
	sums := []string{"Tranh chấp ranh giới đất", "Vợ chồng mâu thuẫn", "Hàng xóm hát karaoke ồn ào", "Vay nợ không trả", "Tranh chấp lối đi chung"}
	outs := []string{"Hòa giải thành", "Hòa giải không thành", "Đang giải quyết"}

	var f *os.File
	var w *bufio.Writer
	curName := ""
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("synthgeo: %w", err)
		}
		err := f.Close()
		f = nil
		if err != nil {
			return fmt.Errorf("synthgeo: %w", err)
		}
		return nil
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	stt := 0
	buf := make([]byte, 0, 512)
	for d := 0; d < days; d++ {
		if d%64 == 0 && ctx.Err() != nil {
			return history, week, ctx.Err()
		}
		day := from.AddDate(0, 0, d)
		name := fmt.Sprintf("history_%d.csv", day.Year())
		inWeek := !day.Before(weekStart)
		if inWeek {
			name = "week.csv"
		}
		if name != curName {
			if err := closeFile(); err != nil {
				return history, week, err
			}
			if f, err = os.Create(filepath.Join(dir, name)); err != nil {
				return history, week, fmt.Errorf("synthgeo: %w", err)
			}
			w = bufio.NewWriterSize(f, 1<<20)
			w.WriteString(LogbookHeader)
			curName, stt = name, 0
		}
		n := c.Rows*(d+1)/days - c.Rows*d/days
		for k := 0; k < n; k++ {
			u := &g.Units[sort.SearchFloat64s(cum, r.Float64()*tot)]
			o := r.IntN(3)
			stt++
			buf = buf[:0]
			buf = strconv.AppendInt(buf, int64(stt), 10)
			buf = append(buf, ",SG-"...)
			buf = append(buf, u.Code...)
			buf = append(buf, '-')
			buf = strconv.AppendInt(buf, epochDay+int64(d), 10) // days since 1970: unique across runs with other From
			buf = append(buf, '-')
			buf = strconv.AppendInt(buf, int64(k), 10)
			buf = append(buf, ',')
			buf = append(buf, dateStr[d]...)
			buf = append(buf, ',')
			if o < 2 {
				buf = append(buf, dateStr[d+1+r.IntN(30)]...)
			}
			buf = append(buf, ",,"...)
			buf = append(buf, u.FullName...)
			buf = append(buf, ',')
			buf = append(buf, u.Code...)
			buf = append(buf, ",Thôn "...)
			buf = strconv.AppendInt(buf, int64(1+r.IntN(12)), 10)
			buf = append(buf, ",Tổ hòa giải số "...)
			buf = strconv.AppendInt(buf, int64(1+r.IntN(9)), 10)
			buf = append(buf, ",\"Người "...)
			buf = strconv.AppendInt(buf, int64(r.IntN(100000)), 10)
			buf = append(buf, ", 40 tuổi; Người "...)
			buf = strconv.AppendInt(buf, int64(r.IntN(100000)), 10)
			buf = append(buf, ", 41 tuổi\","...)
			buf = append(buf, sums[r.IntN(len(sums))]...)
			buf = append(buf, ',')
			buf = append(buf, cats[r.IntN(len(cats))]...)
			buf = append(buf, ',')
			buf = append(buf, outs[o]...)
			buf = append(buf, ',')
			if r.IntN(25) == 0 {
				buf = append(buf, "Có"...)
			}
			buf = append(buf, ",,,\n"...)
			w.Write(buf)
		}
		if inWeek {
			week += n
		} else {
			history += n
		}
	}
	return history, week, closeFile()
}
