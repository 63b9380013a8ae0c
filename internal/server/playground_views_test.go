package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/graph"
	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/authz"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/subgraphs"
)

// seenRequest is what the gateway received from the page.
type seenRequest struct {
	query, authorization, demoHeader string
	planOnly, trace                  bool
}

// requestRecorder is a gateway plugin recording every GraphQL request the
// gateway receives (server side: what the page really sent).
type requestRecorder struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (*requestRecorder) Name() string { return "test-recorder" }

func (r *requestRecorder) InterceptRequest(ctx context.Context, req *gateway.Request, next gateway.RequestHandler) *gateway.Response {
	r.mu.Lock()
	r.seen = append(r.seen, seenRequest{query: req.Query, authorization: req.Header.Get("Authorization"),
		demoHeader: req.Header.Get("X-Demo"), planOnly: req.PlanOnly, trace: req.IncludeTrace})
	r.mu.Unlock()
	return next(ctx, req)
}

func (r *requestRecorder) requests() []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seenRequest(nil), r.seen...)
}

// poll evaluates js until it is neither null nor undefined and stores it in out.
func poll[T any](what, js string, out *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := chromedp.Poll[T](js, chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		*out = v
		return nil
	})
}

// subgraphRequests is how many requests each demo subgraph has received.
func subgraphRequests(d *subgraphs.Demo) map[string]int64 {
	m := map[string]int64{}
	for name, srv := range d.Servers {
		m[name] = srv.Requests()
	}
	return m
}

const deferQuery = `query Deferred { topProducts(first: 2) { upc name ... @defer(label: "reviews") { reviews { body } } } }`

// TestPlaygroundViews drives the playground's workbench views in headless
// Chromium over the demo graph: the plan of the benchmark query drawn
// before running, the trace waterfall after running it (one bar per
// subgraph fetch), a @defer query's payloads in order, the token field and
// the headers editor reaching the gateway (and persisting), the registry
// view, and field owners in the documentation explorer; every request of
// the page goes to the gateway's own origin. With
// JUNCTION_PLAYGROUND_SCREENSHOTS=DIR it saves a screenshot of each view
// there (docs/playground-*.png).
func TestPlaygroundViews(t *testing.T) {
	skipWithoutChromium(t)
	demo, err := subgraphs.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	rec := &requestRecorder{}
	// Authentication (HS256 tokens of issuer "playground-test") and the
	// demo schema's @authenticated / @requiresScopes.
	const secret = "playground-test-secret-0123456789abcdef"
	actx, cancelAuth := context.WithCancel(context.Background())
	defer cancelAuth()
	authn, err := auth.New(actx, auth.Options{
		JWT:    config.JWT{Providers: []config.JWTProvider{{Name: "test", Issuer: "playground-test", Secret: secret, Leeway: time.Second}}},
		Claims: map[string]string{"x-user-id": "sub"},
	})
	if err != nil {
		t.Fatal(err)
	}
	authzn, err := authz.New(authz.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "playground-test", "sub": "1", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(nil, gateway.WithPlugins(rec), gateway.WithPlugins(authn.Plugins()...), gateway.WithPlugins(authzn))
	if err != nil {
		t.Fatal(err)
	}
	// The demo served through a registry, as junction dev does.
	store, err := registry.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(store, registry.SchemaComposer{}, gw, registry.WithLogger(discardLogger()))
	if err := reg.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"accounts", "products", "reviews", "inventory"} {
		sdl, err := registry.FetchSDL(context.Background(), demo.URLs[n])
		if err != nil {
			t.Fatal(err)
		}
		if res, err := reg.Register(context.Background(), n, demo.URLs[n], sdl); err != nil || !res.OK {
			t.Fatalf("register %s: %v %+v", n, err, res)
		}
	}
	sg := reg.Supergraph()
	mux := http.NewServeMux()
	mux.Handle("/registry/graphql", New(graph.New(reg, graph.Options{}), WithPath("/registry/graphql"), WithPlayground(false), WithLogger(discardLogger())))
	mux.Handle("/", New(gw, WithLogger(discardLogger()), WithFieldOwners(gw.FieldOwners), WithPlaygroundRegistry("/registry/graphql"), WithDebugHeaders(true)))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	bctx, blog := startBrowser(t)
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()
	shots := os.Getenv("JUNCTION_PLAYGROUND_SCREENSHOTS")
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if shots == "" {
				return nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, "playground-"+name+".png"), png, 0o644)
		})
	}
	eval := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool]("("+js+", true)")(ctx, tg)
			return err
		})
	}
	// setQuery puts q in the editor and waits until GraphiQL has read its
	// operation name (it does so after a short debounce).
	setQuery := func(q, name string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			eval(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+jsString(q)+`)`),
			poll("operation name "+name, `(() => { const e = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
				const ops = (e.operations || []).map(o => o.name && o.name.value); return ops.includes(`+jsString(name)+`) ? true : null; })()`, new(bool)))
	}
	click := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }
	plugin := func(title string) chromedp.Action[chromedp.Void] {
		return click(`.graphiql-sidebar button[aria-label="Show ` + title + `"]`)
	}
	run := click(`.graphiql-execute-button`)
	// widenPlugins drags the plugin pane's edge dx pixels to the right, as
	// a user would to see the plan's tree and text side by side.
	widenPlugins := func(dx float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			r, err := chromedp.Evaluate[[]float64](`(() => { const b = document.querySelector('.graphiql-horizontal-drag-bar').getBoundingClientRect();
				return [b.x + b.width / 2, b.y + b.height / 2]; })()`)(ctx, tg)
			if err != nil {
				return err
			}
			x, y := r[0], r[1]
			return chromedp.Do(ctx,
				chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y),
				chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
				chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+dx/2, y, chromedp.ButtonLeft),
				chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+dx, y, chromedp.ButtonLeft),
				chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x+dx, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		})
	}

	var (
		example, planText, deferResult, headersAfterReload, tokenAfterReload string
		planFetches                                                          int
		traceServices, payloads                                              []string
		registry                                                             map[string]any
		fieldNote, typeBadges, anonymousMe, tokenMe                          string
		ok                                                                   bool
		before, after                                                        map[string]int64
		deferTrace                                                           []string
	)
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-query-editor .CodeMirror`)),
		poll("example query", `(() => { const v = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue();
			return v.includes('topProducts') ? v : null; })()`, &example),

		// Query plan, before running: drawn for the benchmark query.
		plugin("Query plan"),
		setQuery(subgraphs.BenchmarkQuery, "TestQuery"),
		poll("plan drawn", `(() => { const p = document.querySelector('.jn-plan[data-source=editor]');
			return p && p.querySelectorAll('.jn-plan-fetch').length === 13 ? p.querySelectorAll('.jn-plan-fetch').length : null; })()`, &planFetches),
		widenPlugins(420),
		poll("plan text", `document.querySelector('.jn-plan[data-source=editor] .jn-plan-text').textContent`, &planText),
		shot("plan"),

		// Trace: run the benchmark query, one bar per subgraph round trip.
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			before = subgraphRequests(demo)
			return nil
		}),
		run,
		plugin("Trace"),
		poll("trace waterfall", `(() => { const rows = [...document.querySelectorAll('.jn-trace-row')];
			if (!rows.length || rows.some(r => !(r.querySelector('.jn-trace-bar').getBoundingClientRect().width > 0))) return null;
			return rows.map(r => r.dataset.service); })()`, &traceServices),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			after = subgraphRequests(demo)
			return nil
		}),
		shot("trace"),
		// Query plan, after running: the plan the run used.
		plugin("Query plan"),
		click(`.jn-tab[data-tab=run]`),
		poll("plan of the last run", `(() => { const p = document.querySelector('.jn-plan[data-source=run]');
			return p && p.querySelectorAll('.jn-plan-fetch').length === 13 ? true : null; })()`, &ok),
		plugin("Trace"),

		// @defer: the payloads in the order they arrived.
		setQuery(deferQuery, "Deferred"),
		run,
		poll("defer payloads", `(() => { const ps = [...document.querySelectorAll('.jn-payload')];
			if (ps.length < 2 || ps[ps.length-1].dataset.hasNext !== 'false') return null;
			return ps.map(p => p.dataset.hasNext + ' ' + p.querySelector('.jn-payload-desc').textContent); })()`, &payloads),
		poll("merged defer result", `(() => { const v = document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue();
			return v.includes('"reviews"') && v.includes('"body"') ? v : null; })()`, &deferResult),
		// The last payload's trace has the deferred fetch too.
		poll("defer trace", `(() => { const rows = [...document.querySelectorAll('.jn-trace-row')].map(r => r.dataset.service);
			return rows.join(',') === 'products,reviews' ? rows : null; })()`, &deferTrace),
		shot("defer"),

		// Headers & token: the protected Query.me answers null with its
		// error code without a token, and the user with one from the token
		// field; a header from GraphiQL's headers editor goes along.
		plugin("Headers & token"),
		setQuery(`query Me { me { id username } }`, "Me"),
		run,
		poll("anonymous me", `(() => { const v = document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue();
			return v.includes('"code"') ? v : null; })()`, &anonymousMe),
		chromedp.SendKeys(chromedp.CSS(`#jn-token`), token),
		click(`button[data-name="headers"]`),
		eval(`document.querySelectorAll('.graphiql-editor-tool .CodeMirror')[1].CodeMirror.setValue('{"X-Demo": "from-headers-editor"}')`),
		run,
		poll("me with a token", `(() => { const v = document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue();
			return v.includes('"@ada"') ? v : null; })()`, &tokenMe),
		poll("headers of the last run", `(() => { const t = document.querySelector('.jn-headers');
			return t && t.textContent.includes('x-demo') && t.textContent.includes('authorization') ? true : null; })()`, &ok),
		shot("auth"),
		// GraphiQL saves the headers after a debounce: reload once saved.
		poll("headers saved", `['graphiql:headers', 'graphiql:tabState'].every(k => (localStorage.getItem(k) || '').includes('from-headers-editor')) ? true : null`, &ok),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-query-editor .CodeMirror`)),
		poll("headers persisted", `(() => { const e = document.querySelectorAll('.graphiql-editor-tool .CodeMirror')[1];
			const v = e && e.CodeMirror.getValue(); return v && v.includes('X-Demo') ? v : null; })()`, &headersAfterReload),
		poll("token kept", `localStorage.getItem('junction:token')`, &tokenAfterReload),

		// Registry: the subgraphs and the supergraph version.
		plugin("Registry"),
		poll("registry view", `(() => { const s = document.querySelectorAll('.jn-registry-section[data-field=subgraphs] .jn-registry-item');
			const v = document.querySelector('.jn-registry-section[data-field=supergraph]');
			return s.length === 4 && v ? {subgraphs: [...s].map(e => e.textContent), supergraph: v.textContent} : null; })()`, &registry),
		shot("registry"),

		// Documentation explorer: who resolves each field.
		click(`.graphiql-sidebar button[aria-label="Show Documentation Explorer"]`),
		click(`.graphiql-doc-explorer a.graphiql-doc-explorer-type-name`),
		poll("owner badges on Query", `(() => { const b = [...document.querySelectorAll('.graphiql-doc-explorer .jn-owner-badge')];
			return b.length >= 4 ? b.map(e => e.previousElementSibling.textContent + '=' + e.textContent).join(' ') : null; })()`, &typeBadges),
		eval(`[...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name')].find(a => a.textContent === 'topProducts').click()`),
		eval(`[...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')].find(a => a.textContent === 'Product').click()`),
		poll("field note on shippingEstimate", `(() => { const n = document.querySelector('.graphiql-doc-explorer .jn-owner-field');
			if (n) return n.textContent;
			const a = [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name')].find(a => a.textContent === 'shippingEstimate');
			if (a) a.click(); return null; })()`, &fieldNote),
		shot("docs"),
	)
	reqs, problems := blog.snapshot()
	if err != nil && shots != "" {
		if png, serr := chromedp.Run(bctx, chromedp.FullScreenshot(100)); serr == nil {
			_ = os.WriteFile(filepath.Join(shots, "failure.png"), png, 0o644)
		}
	}
	if err != nil {
		t.Fatalf("browser run: %v\nrequests: %q\nproblems: %q", err, shorten(reqs, 100), problems)
	}

	if !strings.Contains(example, "query TopProducts") {
		t.Errorf("the playground opened on %q, want the example query", example)
	}
	if planFetches != 13 || !strings.HasPrefix(strings.TrimSpace(planText), "QueryPlan {") || strings.Count(planText, "Fetch(service:") != 13 {
		t.Errorf("plan: %d fetches drawn, text %q", planFetches, planText)
	}
	count := map[string]int64{}
	for _, s := range traceServices {
		count[s]++
	}
	for _, name := range []string{"accounts", "inventory", "products", "reviews"} {
		if sent := after[name] - before[name]; count[name] != sent || sent == 0 {
			t.Errorf("trace bars for %s: %d, requests it received during the run: %d", name, count[name], sent)
		}
	}
	if len(payloads) < 2 || !strings.HasPrefix(payloads[0], "true initial payload") {
		t.Errorf("defer payloads %q: want the initial payload first, with more to come", payloads)
	}
	for i, p := range payloads[1:] {
		if !strings.Contains(p, `"reviews" at topProducts.`) {
			t.Errorf("defer payload %d = %q, want the deferred reviews", i+1, p)
		}
	}
	if !strings.Contains(deferResult, `"upc"`) {
		t.Errorf("merged @defer result %q", deferResult)
	}
	if !strings.Contains(headersAfterReload, "from-headers-editor") || tokenAfterReload != token {
		t.Errorf("after reload: headers %q, token %q", headersAfterReload, tokenAfterReload)
	}
	if !strings.Contains(fmt.Sprint(registry["supergraph"]), sg.Version) || !strings.Contains(fmt.Sprint(registry["subgraphs"]), "inventory") {
		t.Errorf("registry view %v, want the four subgraphs and version %s", registry, sg.Version)
	}
	if !strings.Contains(typeBadges, "me=accounts") || !strings.Contains(typeBadges, "topProducts=products") {
		t.Errorf("owner badges on Query: %q", typeBadges)
	}
	if !strings.Contains(fieldNote, "Resolved by inventory") || !strings.Contains(fieldNote, "inventory requires price weight") {
		t.Errorf("shippingEstimate note %q", fieldNote)
	}

	if !strings.Contains(anonymousMe, "UNAUTHORIZED_FIELD_OR_TYPE") || !strings.Contains(anonymousMe, `"me": null`) {
		t.Errorf("Me without a token answered %s", anonymousMe)
	}
	if !strings.Contains(tokenMe, `"id": "1"`) || strings.Contains(tokenMe, "errors") {
		t.Errorf("Me with the token answered %s", tokenMe)
	}

	// Server side: the plan was asked without running; the token field and
	// the headers editor reached the gateway.
	var sawPlanOnly, sawMe bool
	for _, r := range rec.requests() {
		if r.planOnly && strings.Contains(r.query, "query TestQuery") {
			sawPlanOnly = true
		}
		if strings.Contains(r.query, "query Me") && !r.planOnly && r.authorization != "" {
			sawMe = true
			if r.authorization != "Bearer "+token || r.demoHeader != "from-headers-editor" || !r.trace {
				t.Errorf("the run of Me reached the gateway with Authorization %q, X-Demo %q, trace %v", r.authorization, r.demoHeader, r.trace)
			}
		}
	}
	if !sawPlanOnly || !sawMe {
		t.Errorf("gateway saw plan-only benchmark %v, run of Me %v", sawPlanOnly, sawMe)
	}

	origin, _ := url.Parse(ts.URL)
	for _, u := range reqs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "data" && p.Host != origin.Host) {
			t.Errorf("request outside the gateway's origin: %s", shorten([]string{u}, 100)[0])
		}
	}
	for _, p := range problems {
		t.Errorf("page problem: %s", p)
	}
}
