package browsercheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Result is what happened while the page loaded and its charts rendered.
type Result struct {
	ConsoleErrors    []string // console.error/assert calls, error log entries, failed loads
	Exceptions       []string // uncaught exceptions
	Requests         []string // every URL requested (data: URLs shortened)
	ExternalRequests []string // URLs not file:, data:, blob:, about: or loopback http(s)
	Canvases         []Canvas // one per chart container, in document order
	Title            string   // document.title
	Alerts           []string // messages of JavaScript dialogs (each dismissed)
	// Values holds the JSON result of each expression given to CheckEval,
	// evaluated after the charts rendered.
	Values map[string][]byte
}

// Canvas is the largest canvas inside one chart container: an element with
// class "chart", or go-echarts' default div.item. Width and Height are the
// canvas bitmap size (0 when the container has no canvas).
type Canvas struct {
	ChartID       string
	Width, Height int
}

// chartSelector matches chart containers of this project's pages and of
// go-echarts' own templates.
const chartSelector = ".chart, div.item"

// renderWait bounds the wait for every chart container to hold a canvas.
const renderWait = 5 * time.Second

// ChromiumPath returns $CHROMIUM if set, else the first of chromium,
// chromium-browser, google-chrome found in /usr/bin or on $PATH.
func ChromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("browsercheck: $CHROMIUM: %w", err)
		}
		return p, nil
	}
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	for _, n := range names {
		p := filepath.Join("/usr/bin", n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("browsercheck: no Chromium found (set $CHROMIUM or install the Debian package chromium)")
}

// Check opens htmlPath in a fresh headless Chromium, waits for its charts
// to render (at most about 5 s) and reports what happened. timeout bounds
// the whole page visit after the browser has started.
func Check(ctx context.Context, htmlPath string, timeout time.Duration) (*Result, error) {
	return CheckEval(ctx, htmlPath, timeout, nil)
}

// CheckEval is Check that also evaluates each expression in the page after
// the charts rendered, storing its JSON value in Result.Values under its key.
func CheckEval(ctx context.Context, htmlPath string, timeout time.Duration, exprs map[string]string) (*Result, error) {
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		return nil, fmt.Errorf("browsercheck: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("browsercheck: %w", err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()

	chromium, err := ChromiumPath()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "browsercheck-profile-*")
	if err != nil {
		return nil, fmt.Errorf("browsercheck: %w", err)
	}
	defer os.RemoveAll(profile)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 1800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("no-pings", true),
	)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	var (
		mu  sync.Mutex
		res = &Result{}
	)
	// Listen starts the browser and the tab (without a deadline, as
	// chromedp requires of the first call).
	err = chromedp.Listen(tabCtx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				res.ConsoleErrors = append(res.ConsoleErrors, "console."+string(ev.Type)+": "+argsText(ev.Args))
			}
		case *runtime.EventExceptionThrown:
			res.Exceptions = append(res.Exceptions, exceptionText(ev.ExceptionDetails))
		case *log.EventEntryAdded:
			if ev.Entry != nil && ev.Entry.Level == log.EntryLevelError {
				s := string(ev.Entry.Source) + ": " + ev.Entry.Text
				if ev.Entry.URL != "" {
					s += " (" + shorten(ev.Entry.URL) + ")"
				}
				res.ConsoleErrors = append(res.ConsoleErrors, s)
			}
		case *network.EventRequestWillBeSent:
			if ev.Request != nil {
				u := ev.Request.URL
				res.Requests = append(res.Requests, shorten(u))
				if IsExternal(u) {
					res.ExternalRequests = append(res.ExternalRequests, shorten(u))
				}
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				res.ConsoleErrors = append(res.ConsoleErrors, fmt.Sprintf("load failed (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason))
			}
		case *page.EventJavascriptDialogOpening:
			res.Alerts = append(res.Alerts, string(ev.Type)+": "+ev.Message)
			// A dialog blocks the page; close it from another goroutine
			// (fn must not call the browser itself).
			go func() {
				_, _ = chromedp.Call(tabCtx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("browsercheck: start %s: %w", chromium, err)
	}

	runCtx, cancelRun := context.WithTimeout(tabCtx, timeout)
	defer cancelRun()
	if err := chromedp.Do(runCtx, chromedp.Navigate(pageURL)); err != nil {
		return nil, fmt.Errorf("browsercheck: open %s: %w", pageURL, err)
	}
	canvases, err := waitCanvases(runCtx)
	if err != nil {
		return nil, err
	}
	title, err := chromedp.Run(runCtx, chromedp.Evaluate[string](`document.title`))
	if err != nil {
		return nil, fmt.Errorf("browsercheck: title: %w", err)
	}
	values := make(map[string][]byte, len(exprs))
	for k, expr := range exprs {
		v, err := chromedp.Run(runCtx, chromedp.Evaluate[[]byte](expr))
		if err != nil {
			return nil, fmt.Errorf("browsercheck: evaluate %s: %w", k, err)
		}
		values[k] = v
	}
	// Let late events (a dialog, a deferred error) arrive.
	if err := chromedp.Do(runCtx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		return nil, fmt.Errorf("browsercheck: %w", err)
	}

	mu.Lock()
	defer mu.Unlock()
	out := *res
	out.Canvases = canvases
	out.Title = title
	if exprs != nil {
		out.Values = values
	}
	return &out, nil
}

type canvasJS struct {
	ID string `json:"id"`
	W  int    `json:"w"`
	H  int    `json:"h"`
}

const canvasesJS = `Array.from(document.querySelectorAll(` + "`" + chartSelector + "`" + `)).map(function (el) {
  var w = 0, h = 0;
  el.querySelectorAll("canvas").forEach(function (c) {
    if (c.width * c.height > w * h) { w = c.width; h = c.height; }
  });
  return {id: el.id, w: w, h: h};
})`

// waitCanvases polls until every chart container has a non-empty canvas,
// or renderWait passes, and returns the last state seen.
func waitCanvases(ctx context.Context) ([]Canvas, error) {
	deadline := time.Now().Add(renderWait)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]canvasJS](canvasesJS))
		if err != nil {
			return nil, fmt.Errorf("browsercheck: find canvases: %w", err)
		}
		done := len(got) > 0
		for _, c := range got {
			if c.W == 0 || c.H == 0 {
				done = false
			}
		}
		if done || time.Now().After(deadline) {
			out := make([]Canvas, len(got))
			for i, c := range got {
				out[i] = Canvas{ChartID: c.ID, Width: c.W, Height: c.H}
			}
			return out, nil
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
			return nil, fmt.Errorf("browsercheck: wait for charts: %w", err)
		}
	}
}

// IsExternal reports whether a request to u leaves the machine: anything
// but file:, data:, blob:, about: and http(s) to a loopback host.
func IsExternal(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return true
	}
	switch strings.ToLower(p.Scheme) {
	case "file", "data", "blob", "about":
		return false
	case "http", "https", "ws", "wss":
		h := p.Hostname()
		if h == "localhost" {
			return false
		}
		ip := net.ParseIP(h)
		return ip == nil || !ip.IsLoopback()
	default:
		return true
	}
}

func shorten(u string) string {
	if strings.HasPrefix(u, "data:") && len(u) > 80 {
		return u[:80] + "…"
	}
	return u
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "exception"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	if d.URL != "" {
		s += fmt.Sprintf(" (%s:%d:%d)", shorten(d.URL), d.LineNumber+1, d.ColumnNumber+1)
	}
	return s
}
