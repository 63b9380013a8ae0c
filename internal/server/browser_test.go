package server

import (
	"context"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browserLog records what the page did: every request URL, console errors,
// browser log errors (CSP violations land there) and uncaught exceptions.
type browserLog struct {
	mu       sync.Mutex
	requests []string
	problems []string
}

func (b *browserLog) add(dst *[]string, s string) {
	b.mu.Lock()
	*dst = append(*dst, s)
	b.mu.Unlock()
}

func (b *browserLog) snapshot() (reqs, problems []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...), append([]string(nil), b.problems...)
}

// TestPlaygroundInBrowser loads the playground in headless Chromium against a
// real (tiny) GraphQL service: GraphiQL must render, introspect the schema
// (the doc explorer lists its fields), run a query and show the result, with
// no request leaving the loopback host and no CSP violation or page error.
func TestPlaygroundInBrowser(t *testing.T) {
	skipWithoutChromium(t)
	h, err := newSchemaHandler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(h, WithLogger(discardLogger())))
	defer ts.Close()

	bctx, blog := startBrowser(t)
	ctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	defer cancelTimeout()

	const query = `{ hello(name: "Junction") }`
	var docText, result string
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-container .graphiql-query-editor .CodeMirror`)),
		// Open the documentation explorer: it shows the schema that GraphiQL
		// got through introspection.
		chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-doc-explorer a.graphiql-doc-explorer-type-name`)),
		chromedp.Click(chromedp.CSS(`.graphiql-doc-explorer a.graphiql-doc-explorer-type-name`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			docText, err = chromedp.Poll[string](`(() => { const e = document.querySelector('.graphiql-doc-explorer');
				return e && e.innerText.includes('hello') && e.innerText.includes('Greets someone.') ? e.innerText : null; })()`,
				chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
			return err
		}),
		// Type the query into the editor and run it.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+
				jsString(query)+`), true)`)(ctx, tg)
			return err
		}),
		// GraphiQL reads the operation (and its name) after a debounce:
		// running before that would send the example query's name.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`(() => { const ops = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.operations;
				return ops && ops.length === 1 && !ops[0].name ? true : null; })()`, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			result, err = chromedp.Poll[string](`(() => { const e = document.querySelector('.graphiql-response .CodeMirror');
				const v = e && e.CodeMirror.getValue(); return v && v.includes('Hello') ? v : null; })()`,
				chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
			return err
		}),
	)
	if shot := os.Getenv("JUNCTION_PLAYGROUND_SCREENSHOT"); shot != "" {
		if png, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
			_ = os.WriteFile(shot, png, 0o644)
		}
	}
	reqs, problems := blog.snapshot()
	t.Logf("browser requests: %q", shorten(reqs, 80))
	if err != nil {
		t.Fatalf("browser run: %v\nrequests: %q\nproblems: %q", err, shorten(reqs, 80), problems)
	}

	if !strings.Contains(docText, "Greets someone.") {
		t.Errorf("doc explorer = %q, want the schema's field description", docText)
	}
	if !strings.Contains(result, `"hello": "Hello, Junction!"`) {
		t.Errorf("result pane = %q, want the server's answer", result)
	}
	h.mu.Lock()
	introspected, queries := h.introspected, append([]string(nil), h.queries...)
	h.mu.Unlock()
	if introspected == 0 {
		t.Errorf("the server never answered introspection; queries: %q", queries)
	}
	ran := false
	for _, q := range queries {
		ran = ran || strings.TrimSpace(q) == query
	}
	if !ran {
		t.Errorf("the server never received %q; got %q", query, queries)
	}
	if len(reqs) == 0 {
		t.Error("no network request recorded")
	}
	for _, u := range reqs {
		if !loopbackURL(u) {
			t.Errorf("request to a non-loopback URL: %s", u)
		}
	}
	for _, p := range problems {
		t.Errorf("page problem: %s", p)
	}
}

// skipWithoutChromium skips the test when chromium is not installed (it
// fails instead in CI, where it must be).
func skipWithoutChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI: %v", err)
		}
		t.Skipf("chromium not installed: %v", err)
	}
}

// startBrowser starts headless Chromium (stopped when the test ends) and
// records what its pages do in the returned log.
func startBrowser(t *testing.T) (context.Context, *browserLog) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.WindowSize(1440, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	blog := &browserLog{}
	if err := chromedp.Listen(bctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			blog.add(&blog.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				blog.add(&blog.problems, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			blog.add(&blog.problems, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev.ExceptionDetails))
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				blog.add(&blog.problems, "log "+string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return bctx, blog
}

// loopbackURL reports whether u stays on this machine: an http(s)/ws(s) URL
// whose host is a loopback address, or an inline data:/blob:/about: URL.
func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch p.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
		host := p.Hostname()
		if host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// shorten cuts each string to n bytes for logging (data: URLs are long).
func shorten(ss []string, n int) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if len(s) > n {
			s = s[:n] + "..."
		}
		out[i] = s
	}
	return out
}
