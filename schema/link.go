package schema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Feature resolution (core schemas).
//
// A supergraph declares the specs it uses on its schema definition, either
// with @link(url:, as:, for:, import:) (link v1.0, Fed2) or with
// @core(feature:, as:, for:) (core v0.1/v0.2, Fed1). The bootstrap directive
// is the one whose URL names the link or core spec itself; its local name is
// its `as:` or the spec name. Every other application of that directive
// names one feature. An element E of a feature with local prefix P is named
// in the document:
//   - by its import alias when imported (`import: ["@E"]` or
//     `import: [{name: "@E", as: "@F"}]`),
//   - @P when E is the directive named like the feature (@inaccessible of
//     the inaccessible spec, @link of the link spec),
//   - P__E otherwise (@join__type, join__Graph, link__Purpose).
// Everything a feature names is "machinery": it is absent from the API schema.

// feature is one @link'ed / @core'd spec.
type feature struct {
	url          string
	name         string // spec name from the URL, e.g. "join"
	version      string // e.g. "v0.3"; empty when the URL has none
	major, minor int
	prefix       string // local name: `as:` or name
	purpose      string // `for:` value: EXECUTION, SECURITY or ""
	// imports maps a spec element name ("@inaccessible", "Scope") to its
	// local name in the document ("@hidden", "Scope").
	imports map[string]string
}

// directive returns the local name (without @) of the feature's directive d.
func (f *feature) directive(d string) string {
	if local, ok := f.imports["@"+d]; ok {
		return strings.TrimPrefix(local, "@")
	}
	if d == f.name {
		return f.prefix
	}
	return f.prefix + "__" + d
}

// typeName returns the local name of the feature's type t.
func (f *feature) typeName(t string) string {
	if local, ok := f.imports[t]; ok {
		return local
	}
	return f.prefix + "__" + t
}

// owns reports whether a directive (dir true) or type named local in the
// document belongs to the feature.
func (f *feature) owns(local string, dir bool) bool {
	if f.prefix != "" && (local == f.prefix && dir || strings.HasPrefix(local, f.prefix+"__")) {
		return true
	}
	for _, v := range f.imports {
		if dir && v == "@"+local || !dir && v == local {
			return true
		}
	}
	return false
}

// features is the resolved list of features of a document, in declaration order.
type features struct {
	list []*feature
}

// get returns the first feature with spec name, or nil.
func (fs *features) get(name string) *feature {
	for _, f := range fs.list {
		if f.name == name {
			return f
		}
	}
	return nil
}

// ownsDirective reports whether the directive named local belongs to a feature.
func (fs *features) ownsDirective(local string) bool {
	for _, f := range fs.list {
		if f.owns(local, true) {
			return true
		}
	}
	return false
}

// ownsType reports whether the type named local belongs to a feature.
func (fs *features) ownsType(local string) bool {
	for _, f := range fs.list {
		if f.owns(local, false) {
			return true
		}
	}
	return false
}

// directiveNames returns the local names of directive d of every feature
// whose spec name is in specs (e.g. inaccessible from "inaccessible" and
// from "federation" when imported).
func (fs *features) directiveNames(d string, specs ...string) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs.list {
		for _, s := range specs {
			if f.name != s {
				continue
			}
			if s == d {
				out[f.directive(d)] = true
			} else if local, ok := f.imports["@"+d]; ok {
				out[strings.TrimPrefix(local, "@")] = true
			} else {
				out[f.prefix+"__"+d] = true
			}
		}
	}
	return out
}

// parseSpecURL splits "https://specs.apollo.dev/join/v0.3" into name "join"
// and version "v0.3" (major 0, minor 3). A URL without a version segment
// yields its last segment as the name.
func parseSpecURL(url string) (name, version string, major, minor int) {
	u := strings.TrimRight(url, "/")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	segs := strings.Split(u, "/")
	if len(segs) < 2 {
		return "", "", 0, 0
	}
	last := segs[len(segs)-1]
	if ma, mi, ok := parseVersion(last); ok {
		return segs[len(segs)-2], last, ma, mi
	}
	return last, "", 0, 0
}

func parseVersion(s string) (major, minor int, ok bool) {
	if !strings.HasPrefix(s, "v") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(s[1:], ".")
	if !found {
		return 0, 0, false
	}
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || ma < 0 || mi < 0 {
		return 0, 0, false
	}
	return ma, mi, true
}

// stringArg returns the string value of directive argument name, or "".
func stringArg(d *ast.Directive, name string) (string, bool) {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return "", false
	}
	return a.Value.Raw, true
}

// boolArg returns the boolean argument name, or def when absent.
func boolArg(d *ast.Directive, name string, def bool) bool {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind != ast.BooleanValue {
		return def
	}
	return a.Value.Raw == "true"
}

// resolveFeatures reads the @link / @core applications of the schema
// definitions and extensions of doc.
func resolveFeatures(doc *ast.SchemaDocument) (*features, error) {
	var dirs ast.DirectiveList
	for _, s := range doc.Schema {
		dirs = append(dirs, s.Directives...)
	}
	for _, s := range doc.SchemaExtension {
		dirs = append(dirs, s.Directives...)
	}
	// Find the bootstrap directive: the one naming the link or core spec.
	boot := ""
	for _, d := range dirs {
		for _, arg := range []string{"url", "feature"} {
			url, ok := stringArg(d, arg)
			if !ok {
				continue
			}
			name, _, _, _ := parseSpecURL(url)
			if name != "link" && name != "core" {
				continue
			}
			local := name
			if as, ok := stringArg(d, "as"); ok {
				local = as
			}
			if d.Name == local {
				boot = local
			}
		}
		if boot != "" {
			break
		}
	}
	fs := &features{}
	if boot == "" {
		return fs, nil
	}
	for _, d := range dirs {
		if d.Name != boot {
			continue
		}
		url, ok := stringArg(d, "url")
		if !ok {
			url, ok = stringArg(d, "feature")
		}
		if !ok {
			return nil, fmt.Errorf("%w: @%s without url", ErrInvalidSupergraph, boot)
		}
		f := &feature{url: url, imports: map[string]string{}}
		f.name, f.version, f.major, f.minor = parseSpecURL(url)
		f.prefix = f.name
		if as, ok := stringArg(d, "as"); ok {
			f.prefix = as
		}
		if a := d.Arguments.ForName("for"); a != nil && a.Value != nil && a.Value.Kind != ast.NullValue {
			f.purpose = a.Value.Raw
		}
		if a := d.Arguments.ForName("import"); a != nil && a.Value != nil {
			if err := readImports(f, a.Value); err != nil {
				return nil, err
			}
		}
		fs.list = append(fs.list, f)
	}
	return fs, nil
}

func readImports(f *feature, v *ast.Value) error {
	items := []*ast.Value{v}
	if v.Kind == ast.ListValue {
		items = items[:0]
		for _, c := range v.Children {
			items = append(items, c.Value)
		}
	}
	for _, it := range items {
		switch it.Kind {
		case ast.StringValue:
			f.imports[it.Raw] = it.Raw
		case ast.ObjectValue:
			var name, as string
			for _, c := range it.Children {
				switch c.Name {
				case "name":
					name = c.Value.Raw
				case "as":
					as = c.Value.Raw
				}
			}
			if name == "" {
				return fmt.Errorf("%w: @link(url: %q) import without name", ErrInvalidSupergraph, f.url)
			}
			if as == "" {
				as = name
			}
			if strings.HasPrefix(name, "@") != strings.HasPrefix(as, "@") {
				return fmt.Errorf("%w: @link(url: %q) import %s as %s mixes directive and type",
					ErrInvalidSupergraph, f.url, name, as)
			}
			f.imports[name] = as
		case ast.NullValue:
		default:
			return fmt.Errorf("%w: @link(url: %q) import %s is not a string or {name, as}",
				ErrInvalidSupergraph, f.url, it.String())
		}
	}
	return nil
}

// implementedFeatures are the specs Junction serves when they are marked
// for EXECUTION or SECURITY. join is checked by version separately.
var implementedFeatures = map[string]bool{
	"link":           true,
	"core":           true,
	"join":           true,
	"inaccessible":   true,
	"tag":            true,
	"authenticated":  true,
	"requiresScopes": true,
	"policy":         true,
	"context":        true,
}

// checkFeatures refuses features Junction cannot serve.
func checkFeatures(fs *features) error {
	for _, f := range fs.list {
		switch f.name {
		case "join":
			if f.major != 0 || f.minor < 1 || f.minor > 5 {
				return fmt.Errorf("%w: %w: join %s (%s): supported versions are v0.1 to v0.5",
					ErrInvalidSupergraph, ErrUnsupportedFeature, f.version, f.url)
			}
		case "link":
			if f.major != 1 {
				return fmt.Errorf("%w: %w: link %s (%s): supported version is v1.x",
					ErrInvalidSupergraph, ErrUnsupportedFeature, f.version, f.url)
			}
		case "context":
			if f.major != 0 || f.minor != 1 {
				return fmt.Errorf("%w: %w: context %s (%s): supported version is v0.1",
					ErrInvalidSupergraph, ErrUnsupportedFeature, f.version, f.url)
			}
		case "core":
			if f.major != 0 || f.minor < 1 || f.minor > 2 {
				return fmt.Errorf("%w: %w: core %s (%s): supported versions are v0.1 and v0.2",
					ErrInvalidSupergraph, ErrUnsupportedFeature, f.version, f.url)
			}
		}
		if (f.purpose == "EXECUTION" || f.purpose == "SECURITY") && !implementedFeatures[f.name] {
			return fmt.Errorf("%w: %w: feature %s is required for %s and not implemented",
				ErrInvalidSupergraph, ErrUnsupportedFeature, f.url, f.purpose)
		}
	}
	return nil
}
