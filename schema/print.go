package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Printing the composed supergraph in Apollo's layout (byte for byte what
// @apollo/composition writes for every case of test/federation): the schema
// definition with its @link features, the directive definitions sorted,
// then every type (join__/link__ machinery included) in case-insensitive
// name order; on a type its @join__implements and @join__type per subgraph,
// then the carried directives; on a field or enum value the carried
// directives, then @join__field / @join__enumValue; fields in order of first
// declaration (subgraphs by name); descriptions of up to 70 characters on
// one line; no final newline. Values are quoted as graphql-js does
// (gqlparser's Value.String).

// quote returns s as a GraphQL string literal.
func quote(s string) string { return (&ast.Value{Kind: ast.StringValue, Raw: s}).String() }

func writeDescription(b *strings.Builder, indent, desc string) {
	if desc == "" {
		return
	}
	if len(desc) <= 70 && !strings.ContainsAny(desc, "\n\"\\") {
		b.WriteString(indent + `"""` + desc + `"""` + "\n")
		return
	}
	b.WriteString(indent + `"""` + "\n")
	for _, line := range strings.Split(strings.ReplaceAll(desc, `"""`, `\"""`), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(indent + line + "\n")
	}
	b.WriteString(indent + `"""` + "\n")
}

// pickDescription returns the most common non-empty description (ties:
// first seen).
func pickDescription(descs []string) string {
	count := map[string]int{}
	best, n := "", 0
	for _, d := range descs {
		if d == "" {
			continue
		}
		count[d]++
		if count[d] > n {
			best, n = d, count[d]
		}
	}
	return best
}

func printDirective(d *ast.Directive) string {
	if len(d.Arguments) == 0 {
		return "@" + d.Name
	}
	args := make([]string, len(d.Arguments))
	for i, a := range d.Arguments {
		args[i] = a.Name + ": " + printValue(a.Value)
	}
	return "@" + d.Name + "(" + strings.Join(args, ", ") + ")"
}

// printValue prints a literal with graphql-js spacing.
func printValue(v *ast.Value) string {
	switch v.Kind {
	case ast.ListValue:
		parts := make([]string, len(v.Children))
		for i, c := range v.Children {
			parts[i] = printValue(c.Value)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ast.ObjectValue:
		parts := make([]string, len(v.Children))
		for i, c := range v.Children {
			parts[i] = c.Name + ": " + printValue(c.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.String()
}

// carried returns the non-join directives an element keeps in the
// supergraph, from its declarations in every subgraph.
func (c *composer) carried(lists []ast.DirectiveList) string {
	return strings.Join(c.carriedList(lists), " ")
}

// carriedList is carried as a list of directive applications.
func (c *composer) carriedList(lists []ast.DirectiveList) []string {
	var out []string
	var tags []string
	var deprecated, specifiedBy, listSize *ast.Directive
	inaccessible, authenticated, oneOf := false, false, false
	var scopes, policies [][][]string
	cost := -1
	composed := map[string][]string{}
	for _, l := range lists {
		for _, d := range l {
			switch d.Name {
			case "deprecated":
				if deprecated == nil {
					deprecated = d
				}
			case "specifiedBy":
				if specifiedBy == nil {
					specifiedBy = d
				}
			case "oneOf":
				oneOf = true
			case "inaccessible":
				inaccessible = true
			case "tag":
				if n, ok := stringArg(d, "name"); ok && !slices.Contains(tags, n) {
					tags = append(tags, n)
				}
			case "authenticated":
				authenticated = true
			case "requiresScopes":
				scopes = append(scopes, nestedStrings(d.Arguments.ForName("scopes")))
			case "policy":
				policies = append(policies, nestedStrings(d.Arguments.ForName("policies")))
			case "cost":
				if a := d.Arguments.ForName("weight"); a != nil && a.Value != nil {
					if w, err := strconv.Atoi(a.Value.Raw); err == nil && w > cost {
						cost = w
					}
				}
			case "listSize":
				if listSize == nil {
					listSize = d
				}
			default:
				if c.composed[d.Name] != nil {
					p := printDirective(d)
					if !slices.Contains(composed[d.Name], p) {
						composed[d.Name] = append(composed[d.Name], p)
					}
				}
			}
		}
	}
	if authenticated {
		c.authenticated = true
		out = append(out, "@authenticated")
	}
	if cost >= 0 {
		c.cost = true
		out = append(out, fmt.Sprintf("@cost(weight: %d)", cost))
	}
	if deprecated != nil {
		out = append(out, printDirective(deprecated))
	}
	if inaccessible {
		c.inaccessible = true
		out = append(out, "@inaccessible")
	}
	if listSize != nil {
		c.cost, c.listSize = true, true
		out = append(out, printDirective(listSize))
	}
	if oneOf {
		out = append(out, "@oneOf")
	}
	if len(policies) > 0 {
		c.policy = true
		out = append(out, "@policy(policies: "+printNested(conjunction(policies))+")")
	}
	if len(scopes) > 0 {
		c.scopes = true
		out = append(out, "@requiresScopes(scopes: "+printNested(conjunction(scopes))+")")
	}
	if specifiedBy != nil {
		out = append(out, printDirective(specifiedBy))
	}
	for _, t := range tags {
		c.tag = true
		out = append(out, "@tag(name: "+quote(t)+")")
	}
	names := make([]string, 0, len(composed))
	for n := range composed {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		out = append(out, composed[n]...)
	}
	return out
}

// nestedStrings reads a [[String]] argument.
func nestedStrings(a *ast.Argument) [][]string {
	if a == nil || a.Value == nil {
		return nil
	}
	var out [][]string
	for _, c := range a.Value.Children {
		var inner []string
		if c.Value.Kind == ast.ListValue {
			for _, cc := range c.Value.Children {
				inner = append(inner, cc.Value.Raw)
			}
		} else {
			inner = append(inner, c.Value.Raw)
		}
		out = append(out, inner)
	}
	return out
}

// conjunction ANDs disjunctions of conjunctions (each [][]string is OR of
// ANDs), as Apollo merges @requiresScopes / @policy from several subgraphs.
func conjunction(all [][][]string) [][]string {
	acc := all[0]
	for _, next := range all[1:] {
		if slices.EqualFunc(acc, next, slices.Equal) {
			continue
		}
		var out [][]string
		for _, a := range acc {
			for _, b := range next {
				m := append(slices.Clone(a), b...)
				slices.Sort(m)
				m = slices.Compact(m)
				if !slices.ContainsFunc(out, func(x []string) bool { return slices.Equal(x, m) }) {
					out = append(out, m)
				}
			}
		}
		acc = out
	}
	return acc
}

func printNested(v [][]string) string {
	outer := make([]string, len(v))
	for i, in := range v {
		q := make([]string, len(in))
		for j, s := range in {
			q[j] = quote(s)
		}
		outer[i] = "[" + strings.Join(q, ", ") + "]"
	}
	return "[" + strings.Join(outer, ", ") + "]"
}

// directives checks @composeDirective declarations.
func (c *composer) directives() {
	for _, s := range c.subs {
		for _, n := range s.ComposeDirectives {
			def := s.composed[n]
			link := s.links[n]
			if link == nil || def == nil {
				c.fail("DIRECTIVE_COMPOSITION_ERROR", []string{"@" + n}, []string{s.Name},
					"@composeDirective(name: \"@%s\") in subgraph %q needs the directive defined in the subgraph and imported from an @link'ed spec other than federation: add both", n, s.Name)
				continue
			}
			if prev := c.composed[n]; prev != nil && prev.link.spec != link.spec {
				c.fail("DIRECTIVE_COMPOSITION_ERROR", []string{"@" + n}, []string{s.Name},
					"@%s is composed from two different specs (%s and %s): use the same spec in every subgraph", n, prev.link.url, link.url)
				continue
			}
			if c.composed[n] == nil {
				c.composed[n] = &composedDirective{def: def, link: link}
			}
		}
	}
	c.checkContexts()
}

// joinVersion is the join spec version the supergraph needs: v0.3, v0.4
// from federation v2.7 (progressive override labels), v0.5 from v2.8, as
// Apollo's composition chooses it.
func (c *composer) joinVersion() int {
	minor := 0
	for _, s := range c.subs {
		if m := fedMinor(s); m > minor {
			minor = m
		}
	}
	switch {
	case minor >= 8:
		return 5
	case minor >= 7 || c.labels:
		return 4
	}
	return 3
}

// fedMinor is the federation v2 minor version a subgraph links (0 for Fed 1).
func fedMinor(s *SubgraphSchema) int {
	if !s.Fed2 {
		return 0
	}
	_, mi, ok := parseVersion(s.FedVersion)
	if !ok {
		return 0
	}
	return mi
}

// print writes the supergraph SDL: the schema definition, the directive
// definitions, then every type (machinery included) in case-insensitive
// name order, as graphql-js prints Apollo's supergraph.
func (c *composer) print() string {
	blocks := map[string]string{}
	for _, n := range c.names {
		var tb strings.Builder
		c.printType(&tb, c.types[n])
		blocks[n] = strings.TrimRight(tb.String(), "\n")
	}
	var b strings.Builder
	jv := c.joinVersion()
	b.WriteString("schema\n  @link(url: \"https://specs.apollo.dev/link/v1.0\")\n")
	fmt.Fprintf(&b, "  @link(url: \"https://specs.apollo.dev/join/v0.%d\", for: EXECUTION)\n", jv)
	// In the order @apollo/composition (2.14) writes them: tag,
	// inaccessible, authenticated, requiresScopes, policy, context, cost.
	if c.tag {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/tag/v0.3\")\n")
	}
	if c.inaccessible {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/inaccessible/v0.2\", for: SECURITY)\n")
	}
	if c.authenticated {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/authenticated/v0.1\", for: SECURITY)\n")
	}
	if c.scopes {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/requiresScopes/v0.1\", for: SECURITY)\n")
	}
	if c.policy {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/policy/v0.1\", for: SECURITY)\n")
	}
	if c.contexts {
		b.WriteString("  @link(url: \"https://specs.apollo.dev/context/v0.1\", for: SECURITY)\n")
	}
	if c.cost {
		// As Apollo's composition writes it: @cost is the spec's own
		// directive (named like the spec), @listSize imported only when
		// applied (else declared as cost__listSize).
		if c.listSize {
			b.WriteString("  @link(url: \"https://specs.apollo.dev/cost/v0.1\", import: [\"@listSize\"])\n")
		} else {
			b.WriteString("  @link(url: \"https://specs.apollo.dev/cost/v0.1\")\n")
		}
	}
	cnames := make([]string, 0, len(c.composed))
	for n := range c.composed {
		cnames = append(cnames, n)
	}
	slices.Sort(cnames)
	for _, n := range cnames {
		l := c.composed[n].link
		imp := quote("@" + l.name)
		if l.local != l.name {
			imp = "{name: " + quote("@"+l.name) + ", as: " + quote("@"+l.local) + "}"
		}
		if l.as != "" {
			fmt.Fprintf(&b, "  @link(url: %s, as: %s)\n", quote(l.url), quote(l.as))
		} else {
			fmt.Fprintf(&b, "  @link(url: %s, import: [%s])\n", quote(l.url), imp)
		}
	}
	b.WriteString("{\n  query: Query\n")
	if t := c.types["Mutation"]; t != nil && len(t.fields) > 0 {
		b.WriteString("  mutation: Mutation\n")
	}
	if t := c.types["Subscription"]; t != nil && len(t.fields) > 0 {
		b.WriteString("  subscription: Subscription\n")
	}
	b.WriteString("}\n\n")
	var defs []string
	if c.authenticated {
		defs = append(defs, "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM")
	}
	if c.contexts {
		defs = append(defs, "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
			"directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION")
		blocks["context__ContextFieldValue"] = "scalar context__ContextFieldValue"
	}
	if c.cost {
		defs = append(defs, "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
			"directive @"+listSizeName(c.listSize)+"(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION")
	}
	if c.inaccessible {
		defs = append(defs, "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION")
	}
	defs = append(defs,
		"directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
		"directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
		"directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
		"directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
		"directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
		"directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA")
	blocks["join__FieldSet"] = "scalar join__FieldSet"
	switch jv {
	case 3:
		defs = append(defs, "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION")
	case 4:
		defs = append(defs, "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
			"directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION")
		blocks["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
	default:
		defs = append(defs, "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
			"directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION")
		blocks["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
		blocks["join__FieldValue"] = "scalar join__FieldValue"
		blocks["join__ContextArgument"] = "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}"
	}
	if c.policy {
		defs = append(defs, "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM")
		blocks["policy__Policy"] = "scalar policy__Policy"
	}
	if c.scopes {
		defs = append(defs, "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM")
		blocks["requiresScopes__Scope"] = "scalar requiresScopes__Scope"
	}
	if c.tag {
		defs = append(defs, "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA")
	}
	for _, n := range cnames {
		defs = append(defs, printDirectiveDef(c.composed[n].def))
	}
	slices.Sort(defs)
	for _, d := range defs {
		b.WriteString(d + "\n\n")
	}
	var g strings.Builder
	g.WriteString("enum join__Graph {\n")
	for _, s := range c.subs {
		fmt.Fprintf(&g, "  %s @join__graph(name: %s, url: %s)\n", c.enum[s.Name], quote(s.Name), quote(s.URL))
	}
	g.WriteString("}")
	blocks["join__Graph"] = g.String()
	blocks["link__Import"] = "scalar link__Import"
	blocks["link__Purpose"] = "enum link__Purpose {\n  \"\"\"\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n  \"\"\"\n  SECURITY\n\n  \"\"\"\n  `EXECUTION` features provide metadata necessary for operation execution.\n  \"\"\"\n  EXECUTION\n}"
	names := make([]string, 0, len(blocks))
	for n := range blocks {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = blocks[n]
	}
	b.WriteString(strings.Join(out, "\n\n"))
	return b.String()
}

func printDirectiveDef(d *ast.DirectiveDefinition) string {
	var b strings.Builder
	b.WriteString("directive @" + d.Name)
	if len(d.Arguments) > 0 {
		var args []string
		for _, a := range d.Arguments {
			s := a.Name + ": " + a.Type.String()
			if a.DefaultValue != nil {
				s += " = " + printValue(a.DefaultValue)
			}
			args = append(args, s)
		}
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	if d.IsRepeatable {
		b.WriteString(" repeatable")
	}
	locs := make([]string, len(d.Locations))
	for i, l := range d.Locations {
		locs[i] = string(l)
	}
	b.WriteString(" on " + strings.Join(locs, " | "))
	return b.String()
}

func (c *composer) printType(b *strings.Builder, t *mType) {
	var descs []string
	var dirs []ast.DirectiveList
	for _, d := range t.decls {
		descs = append(descs, d.def.Description)
		dirs = append(dirs, d.def.Directives)
	}
	writeDescription(b, "", pickDescription(descs))
	kw := map[ast.DefinitionKind]string{ast.Object: "type", ast.Interface: "interface", ast.Union: "union",
		ast.Enum: "enum", ast.InputObject: "input", ast.Scalar: "scalar"}[t.kind]
	b.WriteString(kw + " " + t.name)
	if len(t.ifaces) > 0 {
		b.WriteString(" implements " + strings.Join(t.ifaces, " & "))
	}
	var lines []string
	for _, d := range t.decls {
		for _, in := range d.def.Interfaces {
			lines = append(lines, fmt.Sprintf("@join__implements(graph: %s, interface: %s)", c.enum[d.sub.Name], quote(in)))
		}
	}
	for _, d := range t.decls {
		g := c.enum[d.sub.Name]
		extra, io := "", ""
		if d.ext {
			extra += ", extension: true"
		}
		if d.ifaceObj {
			io = ", isInterfaceObject: true"
		}
		keys := d.sub.Keys[t.name]
		if len(keys) == 0 || t.kind != ast.Object && t.kind != ast.Interface {
			lines = append(lines, fmt.Sprintf("@join__type(graph: %s%s%s)", g, extra, io))
		}
		for _, k := range keys {
			r := ""
			if !k.Resolvable || k.explicit {
				r = fmt.Sprintf(", resolvable: %v", k.Resolvable)
			}
			lines = append(lines, fmt.Sprintf("@join__type(graph: %s, key: %s%s%s%s)", g, quote(k.Fields), extra, r, io))
		}
	}
	if t.kind == ast.Union {
		for _, m := range t.members {
			for _, d := range t.decls {
				if slices.Contains(d.def.Types, m) {
					lines = append(lines, fmt.Sprintf("@join__unionMember(graph: %s, member: %s)", c.enum[d.sub.Name], quote(m)))
				}
			}
		}
	}
	lines = append(lines, c.contextDirectives(t)...)
	lines = append(lines, c.carriedList(dirs)...)
	for _, l := range lines {
		b.WriteString("\n  " + l)
	}
	switch t.kind {
	case ast.Union:
		b.WriteString("\n = " + strings.Join(t.members, " | ") + "\n\n")
		return
	case ast.Scalar:
		b.WriteString("\n\n")
		return
	case ast.Enum:
		b.WriteString("\n{\n")
		for _, v := range t.values {
			var vd []string
			var vdirs []ast.DirectiveList
			for _, d := range v.defs {
				vd = append(vd, d.Description)
				vdirs = append(vdirs, d.Directives)
			}
			writeDescription(b, "  ", pickDescription(vd))
			b.WriteString("  " + v.name)
			if s := c.carried(vdirs); s != "" {
				b.WriteString(" " + s)
			}
			for _, s := range v.subs {
				b.WriteString(" @join__enumValue(graph: " + c.enum[s] + ")")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n\n")
		return
	}
	b.WriteString("\n{\n")
	for _, f := range t.fields {
		c.printField(b, t, f)
	}
	b.WriteString("}\n\n")
}

func (c *composer) printField(b *strings.Builder, t *mType, f *mField) {
	var descs []string
	var dirs []ast.DirectiveList
	for _, x := range f.decls {
		descs = append(descs, x.def.Description)
		dirs = append(dirs, x.def.Directives)
	}
	writeDescription(b, "  ", pickDescription(descs))
	b.WriteString("  " + f.name)
	if len(f.args) > 0 {
		var args []string
		for _, a := range f.args {
			var ad []string
			var adirs []ast.DirectiveList
			for _, d := range a.defs {
				ad = append(ad, d.Description)
				adirs = append(adirs, d.Directives)
			}
			s := a.name + ": " + a.typ.String()
			if a.value != nil {
				s += " = " + printValue(a.value)
			}
			if cd := c.carried(adirs); cd != "" {
				s += " " + cd
			}
			if desc := pickDescription(ad); desc != "" {
				s = quote(desc) + " " + s
			}
			args = append(args, s)
		}
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	b.WriteString(": " + f.typ.String())
	if f.defValue != nil {
		b.WriteString(" = " + printValue(f.defValue))
	}
	// As Apollo's composition prints a field: @inaccessible, then
	// @join__field, then the other carried directives (@authenticated,
	// @cost, @listSize, @tag…).
	var after []string
	for _, d := range c.carriedList(dirs) {
		if d == "@inaccessible" {
			b.WriteString(" " + d)
		} else {
			after = append(after, d)
		}
	}
	for _, j := range c.joinFields(t, f) {
		b.WriteString(" " + j)
	}
	for _, d := range after {
		b.WriteString(" " + d)
	}
	b.WriteString("\n")
}

// joinFields returns the @join__field applications of a field: none when
// the field is in every subgraph of its type with nothing to say.
func (c *composer) joinFields(t *mType, f *mField) []string {
	if f.graphless {
		return []string{"@join__field"}
	}
	var live []*fDecl
	needs := false
	for _, x := range f.decls {
		if x.removed {
			needs = true
			continue
		}
		live = append(live, x)
		if x.external || x.requires != "" || x.provides != "" || x.override != "" || x.label != "" ||
			x.usedOverridden || x.typeDiffers || len(x.contexts) > 0 {
			needs = true
		}
	}
	if len(live) != len(t.decls) {
		needs = true
	}
	if !needs {
		return nil
	}
	anyTypeDiffers := false
	for _, x := range live {
		anyTypeDiffers = anyTypeDiffers || x.typeDiffers
	}
	labelOf := map[string]string{}
	for _, x := range live {
		if x.override != "" && x.label != "" {
			labelOf[x.override] = x.label
		}
	}
	var out []string
	for _, x := range live {
		s := "@join__field(graph: " + c.enum[x.sub.Name]
		if x.requires != "" {
			s += ", requires: " + quote(x.requires)
		}
		if x.provides != "" {
			s += ", provides: " + quote(x.provides)
		}
		if anyTypeDiffers {
			s += ", type: " + quote(x.def.Type.String())
		}
		if x.external {
			s += ", external: true"
		}
		if x.override != "" {
			s += ", override: " + quote(x.override)
		}
		if x.usedOverridden {
			s += ", usedOverridden: true"
		}
		if x.label != "" {
			s += ", overrideLabel: " + quote(x.label)
		} else if l := labelOf[x.sub.Name]; l != "" {
			s += ", overrideLabel: " + quote(l)
		}
		if len(x.contexts) > 0 {
			s += ", contextArguments: " + c.printContextArguments(x)
		}
		out = append(out, s+")")
	}
	return out
}

// listSizeName is the supergraph's name for the cost spec's @listSize:
// imported when applied, cost__listSize otherwise (Apollo's composition).
func listSizeName(imported bool) string {
	if imported {
		return "listSize"
	}
	return "cost__listSize"
}
