package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
)

// bigHeader is the simulator's logbook header (simulate/run.go).
const bigHeader = "STT,Mã vụ việc,\"Ngày, tháng, năm nhận vụ, việc hòa giải\",Ngày kết thúc,Quận/Huyện,Xã/Phường," +
	"Mã xã/phường,Thôn/Tổ dân phố,Tổ hòa giải,\"Họ tên, tuổi, địa chỉ của các bên\",\"Nội dung chủ yếu của vụ, việc\"," +
	"Loại vụ việc,Kết quả hòa giải,Nguy cơ bạo lực,Dấu hiệu tội phạm,Chuyển cơ quan,Ghi chú\n"

// writeBigLogbook writes n logbook rows of current units (by code and
// name), from a seeded source, with a case id on every row, and returns
// the file's path.
func writeBigLogbook(tb testing.TB, dir string, n int, seed uint64) string {
	tb.Helper()
	g, err := geo.LoadDir(filepath.Join("..", "..", "..", "shared", "data", "hanoi"))
	if err != nil {
		tb.Fatal(err)
	}
	var units []models.Unit
	for _, u := range g.Units {
		if u.Vintage == models.CurrentVintage {
			units = append(units, u)
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("big_%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(bigHeader)
	rng := rand.New(rand.NewPCG(seed, 1))
	cats := []string{"Dân sự", "Hôn nhân và gia đình", "Khác"}
	sums := []string{"Tranh chấp ranh giới đất", "Vợ chồng mâu thuẫn", "Hàng xóm hát karaoke ồn ào", "Vay nợ không trả"}
	outs := []string{"Hòa giải thành", "Hòa giải không thành", "Đang giải quyết"}
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		u := units[rng.IntN(len(units))]
		d := start.AddDate(0, 0, rng.IntN(500))
		o := rng.IntN(3)
		closed := ""
		if o < 2 {
			closed = d.AddDate(0, 0, 1+rng.IntN(20)).Format("02/01/2006")
		}
		fmt.Fprintf(w, "%d,HG-%s-%07d,%s,%s,,%s,%s,Tổ %d,Tổ hòa giải số %d,\"Người %d, 40 tuổi; Người %d, 41 tuổi\",%s,%s,%s,%s,,,\n",
			i, u.Code, i, d.Format("02/01/2006"), closed, u.FullName, u.Code, 1+rng.IntN(20), 1+rng.IntN(9),
			rng.IntN(1000), rng.IntN(1000), sums[rng.IntN(len(sums))], cats[rng.IntN(3)], outs[o],
			map[bool]string{true: "Có", false: ""}[rng.IntN(20) == 0])
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}
