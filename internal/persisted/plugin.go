package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// Error codes (Apollo Router's names).
const (
	// CodeNotInList refuses, with Require, a document the manifest lacks.
	CodeNotInList = "PERSISTED_QUERY_NOT_IN_LIST"
	// CodeNotFound answers an id that the manifest (and, without Require,
	// the APQ store) does not know: the client may send the text.
	CodeNotFound = "PERSISTED_QUERY_NOT_FOUND"
)

// Options configure the plugin.
type Options struct {
	// Manifest is the manifest file's path.
	Manifest string
	// Require refuses every document that is not in the manifest.
	Require bool
	// LogUnknown logs every document that is not in the manifest.
	LogUnknown bool
	// Log receives those lines (default slog.Default()).
	Log *slog.Logger
}

// Plugin resolves persisted documents.
type Plugin struct {
	opts     Options
	manifest atomic.Pointer[Manifest]
}

// New loads the manifest: an error (naming the file and the entry)
// means Junction must not start with it.
func New(o Options) (*Plugin, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	p := &Plugin{opts: o}
	m, err := Load(o.Manifest)
	if err != nil {
		return nil, err
	}
	p.manifest.Store(m)
	return p, nil
}

// Name names the plugin.
func (*Plugin) Name() string { return "persisted_documents" }

// Manifest is the manifest in use.
func (p *Plugin) Manifest() *Manifest { return p.manifest.Load() }

// Prepare re-reads the manifest at every supergraph swap (SIGHUP and hot
// reload swap): a bad one refuses the swap, and the one in use stays.
func (p *Plugin) Prepare(*schema.Supergraph) (any, error) {
	m, err := Load(p.opts.Manifest)
	if err != nil {
		return nil, err
	}
	p.manifest.Store(m)
	return m, nil
}

// InterceptRequest resolves a documentId or a persistedQuery hash from the
// manifest, and with Require refuses any document outside it.
func (p *Plugin) InterceptRequest(ctx context.Context, req *gateway.Request, next gateway.RequestHandler) *gateway.Response {
	m := p.manifest.Load()
	hash, apq := apqHash(req)
	switch {
	case req.DocumentID != "":
		op := m.ByID(req.DocumentID)
		if op == nil {
			return refuse(fmt.Sprintf("persisted document %q is not in the manifest", req.DocumentID), CodeNotFound)
		}
		if req.Query != "" && req.Query != op.Body {
			return refuse("the query does not match the persisted document "+fmt.Sprintf("%q", req.DocumentID), CodeNotInList)
		}
		resolve(req, op)
		return next(ctx, req)
	case apq:
		if op := m.ByID(hash); op != nil && (req.Query == "" || req.Query == op.Body) {
			resolve(req, op)
			return next(ctx, req)
		}
		if req.Query == "" {
			if p.opts.Require {
				// Not the APQ store's to answer: it may hold hashes that
				// other replicas registered.
				return refuse("PersistedQueryNotFound", CodeNotFound)
			}
			return next(ctx, req) // APQ
		}
	}
	if op := m.ByBody(req.Query); op != nil {
		if p.opts.Require {
			dropAPQ(req) // registration is refused in this mode
		}
		return next(ctx, req)
	}
	if p.opts.LogUnknown {
		p.opts.Log.LogAttrs(ctx, slog.LevelWarn, "document not in the persisted documents manifest",
			slog.String("operation", req.OperationName), slog.String("sha256", sha(req.Query)),
			slog.String("manifest", m.Path), slog.String("body", truncate(req.Query, 2048)))
	}
	if p.opts.Require {
		return refuse("Persisted query not in the list: only the documents of the persisted documents manifest run here (persisted_documents.require)", CodeNotInList)
	}
	return next(ctx, req)
}

// apqHash reads extensions.persistedQuery.sha256Hash.
func apqHash(req *gateway.Request) (string, bool) {
	pq, ok := req.Extensions["persistedQuery"].(map[string]any)
	if !ok {
		return "", false
	}
	h, ok := pq["sha256Hash"].(string)
	return h, ok && h != ""
}

// resolve makes op the request's document and takes the persistedQuery
// extension away (the manifest's id need not be the body's hash, and the
// APQ store has nothing to do with it).
func resolve(req *gateway.Request, op *Operation) {
	req.Query = op.Body
	dropAPQ(req)
}

func dropAPQ(req *gateway.Request) {
	if _, ok := req.Extensions["persistedQuery"]; !ok {
		return
	}
	ext := make(map[string]any, len(req.Extensions))
	for k, v := range req.Extensions {
		if k != "persistedQuery" {
			ext[k] = v
		}
	}
	req.Extensions = ext
}

func refuse(msg, code string) *gateway.Response {
	return &gateway.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
