package server

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
)

// The GraphiQL bundle, built by playground/build.mjs (see playground/).
var (
	//go:embed playground/dist/playground.js
	playgroundJS []byte
	//go:embed playground/dist/playground.css
	playgroundCSS []byte
)

const assetPrefix = "/playground/"

type asset struct {
	body  []byte
	ctype string
	etag  string
}

var assets = map[string]asset{
	assetPrefix + "playground.js":  newAsset(playgroundJS, "text/javascript; charset=utf-8"),
	assetPrefix + "playground.css": newAsset(playgroundCSS, "text/css; charset=utf-8"),
}

func newAsset(b []byte, ctype string) asset {
	sum := sha256.Sum256(b)
	return asset{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// playgroundCSP allows only this origin: scripts and styles from the bundle
// (GraphiQL's editors set inline style attributes, hence 'unsafe-inline' for
// styles only), fetches to the same origin, images as data: URLs; no frames,
// no forms, no base override, no external URL of any kind.
const playgroundCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Junction playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Assets}}playground.css">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}" data-registry="{{.Registry}}" data-owners="{{.Owners}}">Loading…</div>
<script src="{{.Assets}}playground.js"></script>
</body>
</html>
`))

// servePlaygroundPage serves the GraphiQL page, pointed at the GraphQL path.
func (s *Server) servePlaygroundPage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	owners := ""
	if s.owners != nil {
		owners = ownersPath
	}
	data := struct{ Assets, Endpoint, Registry, Owners string }{assetPrefix, s.playgroundEndpoint(r), s.registryPath, owners}
	if err := pageTmpl.Execute(&buf, data); err != nil {
		s.log.LogAttrs(r.Context(), slogError, "render playground", attrErr(err), attrRequestID(r))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", playgroundCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// serveAsset serves one embedded bundle file with an ETag.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", a.etag)
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}
