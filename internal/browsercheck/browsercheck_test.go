package browsercheck

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// badPage does everything Check must notice.
const badPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Trang lỗi</title></head><body>
<div class="chart" id="drawn"><canvas width="300" height="150"></canvas></div>
<div class="chart" id="empty"></div>
<script>
console.error("boom");
alert("hello");
setTimeout(function () { fetch("http://example.invalid/x.js").catch(function () {}); }, 0);
setTimeout(function () { undefinedFunction(); }, 0);
</script></body></html>`

func TestCheckReportsProblems(t *testing.T) {
	if _, err := ChromiumPath(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bad.html")
	if err := os.WriteFile(path, []byte(badPage), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := CheckEval(ctx, path, 30*time.Second, map[string]string{"two": "1 + 1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != "Trang lỗi" {
		t.Errorf("title %q", res.Title)
	}
	if !slices.ContainsFunc(res.ConsoleErrors, func(s string) bool { return strings.Contains(s, "boom") }) {
		t.Errorf("console errors %q lack boom", res.ConsoleErrors)
	}
	if !slices.ContainsFunc(res.Exceptions, func(s string) bool { return strings.Contains(s, "undefinedFunction") }) {
		t.Errorf("exceptions %q lack undefinedFunction", res.Exceptions)
	}
	if !slices.Equal(res.Alerts, []string{"alert: hello"}) {
		t.Errorf("alerts %q", res.Alerts)
	}
	if !slices.Equal(res.ExternalRequests, []string{"http://example.invalid/x.js"}) {
		t.Errorf("external requests %q (all: %q)", res.ExternalRequests, res.Requests)
	}
	want := []Canvas{{"drawn", 300, 150}, {"empty", 0, 0}}
	if !slices.Equal(res.Canvases, want) {
		t.Errorf("canvases %v, want %v", res.Canvases, want)
	}
	if string(res.Values["two"]) != "2" {
		t.Errorf("value of 1 + 1: %q", res.Values["two"])
	}
	// Problems lists each kind once here: console error(s), exception(s), the
	// outside request, the dialog and the empty chart.
	probs := strings.Join(res.Problems(), "\n")
	for _, want := range []string{"console error: ", "exception: ", "request leaves the machine: http://example.invalid/x.js",
		"dialog opened: alert: hello", "chart empty has no canvas (0x0)"} {
		if !strings.Contains(probs, want) {
			t.Errorf("Problems() lacks %q:\n%s", want, probs)
		}
	}
	if strings.Contains(probs, "chart drawn") {
		t.Errorf("Problems() reports the drawn chart:\n%s", probs)
	}
	if got := res.ChartIDs(); !slices.Equal(got, []string{"drawn", "empty"}) {
		t.Errorf("ChartIDs() = %v", got)
	}
}

func TestIsExternal(t *testing.T) {
	for u, want := range map[string]bool{
		"file:///tmp/a.html":           false,
		"data:image/png;base64,AAAA":   false,
		"blob:file:///x":               false,
		"about:blank":                  false,
		"http://127.0.0.1:8080/a":      false,
		"http://localhost/a":           false,
		"http://[::1]/a":               false,
		"https://cdn.example.com/e.js": true,
		"http://10.0.0.1/":             true,
		"ws://example.com/":            true,
		"chrome-extension://x/":        true,
	} {
		if got := IsExternal(u); got != want {
			t.Errorf("IsExternal(%q) = %v, want %v", u, got, want)
		}
	}
}
