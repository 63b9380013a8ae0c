package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// walk is the position the walk is at: an object of type typ whose
// selections go to pos in group g.
type walk struct {
	b       *buildState
	g       *group
	pos     *selNode
	typ     string
	path    []string
	prov    ast.SelectionSet
	conds   []cond
	client  map[string]*item // the client's fields at this object by response key
	touched *[]*group        // when set, collects the groups fields land in
	up      *frame           // the field of the enclosing object that led here (parent.go)
	blk     *deferBlock      // the deferred block being planned; nil: the primary part
	from    *walk            // the same object in the group a jump came from (parent.go)
	// peers are the client's sub-selections under other selections of the
	// same response key as the field that led here (other @skip/@include
	// variants): a subgraph merges them with this one, so the response keys
	// they use are reserved too (planItems).
	peers ast.SelectionSet
	// always: the part of peers that is selected unconditionally (oneSource).
	always ast.SelectionSet
}

func (w walk) at(g *group, pos *selNode, typ string) walk {
	w.g, w.pos, w.typ = g, pos, typ
	return w
}

// planSelection plans a client selection set at w.
func (p *planning) planSelection(w walk, ss ast.SelectionSet, inherited ast.DirectiveList) error {
	c := &collector{p: p, typ: w.typ, dm: w.b.mode}
	c.collect(ss, inherited)
	return p.planItems(w, c.items, c.frags, c.defers)
}

// planItems plans the fields, fragments on other types (abstract w.typ)
// and deferred fragments collected at w.
func (p *planning) planItems(w walk, items []*item, frags []fragItem, defers []*deferItem) error {
	w.client = p.clientMap(w.typ, items, defers)
	p.reservePeers(&w, items)
	if !p.isAbstract(w.typ) {
		for _, it := range items {
			if err := p.planField(w, it); err != nil {
				return err
			}
		}
		return p.planDefers(w, defers)
	}
	if p.isInterfaceObject(w.typ, w.g.service) {
		if err := p.planInterfaceObject(w, items, frags); err != nil {
			return err
		}
		return p.planDefers(w, defers)
	}
	// Abstract: __typename always, so the executor can decide fragments.
	// Its response key must not be one the client uses for another field in
	// a fragment on a concrete type either ("... on T { __typename: name }").
	p.placeField(w, p.internalItem(typenameField, withFragmentKeys(p, w.client, frags)))
	known := p.possibleIn(w.typ, w.g.service)
	poss := p.sharedMembers(w, known)
	folded := p.oneSource(w, items, frags, poss)
	var spread []*item // interface fields that must be asked per concrete type
	for _, it := range items {
		name := it.field.Name
		if name == "__typename" || p.local(w.g.service, w.typ, name, w.prov) {
			if err := p.planField(w, it); err != nil {
				return err
			}
			continue
		}
		if ok, err := p.jumpInterfaceObject(w, it); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if len(known) == 0 {
			// No implementation here to ask per type: the field is reached
			// through the interface's own key (an entity interface of
			// another subgraph) or not at all, and then the query cannot be
			// planned (silently selecting nothing would hide that).
			if err := p.planField(w, it); err != nil {
				return err
			}
			continue
		}
		spread = append(spread, it)
	}
	for _, ct := range poss {
		cc := &collector{p: p, typ: ct, dm: w.b.mode}
		// Copies: the fragments merged into them here are this type's.
		for _, it := range spread {
			if !p.skipped(it.field, ct) {
				cp := *it
				cc.items = append(cc.items, &cp)
			}
		}
		nspread := len(cc.items)
		for _, f := range frags {
			if p.satisfies(ct, f.typeCond) {
				cc.collect(f.sel, f.dirs)
			}
		}
		if folded != nil {
			kept := cc.items[:nspread:nspread]
			for _, o := range cc.items[nspread:] {
				if k := folded(o); k != nil {
					kept = append(kept, k)
				}
			}
			cc.items = kept
		}
		if len(cc.items) == 0 && len(cc.defers) == 0 {
			continue
		}
		cw := w.at(w.g, w.pos.fragment(ct), ct)
		all := append(append([]*item(nil), items...), cc.items...)
		cw.client = p.clientMap(ct, all, append(append([]*deferItem(nil), defers...), cc.defers...))
		for _, it := range cc.items {
			if err := p.planField(cw, it); err != nil {
				return err
			}
		}
		if err := p.planDefers(cw, cc.defers); err != nil {
			return err
		}
	}
	return p.planDefers(w, defers)
}

func (p *planning) planDefers(w walk, defers []*deferItem) error {
	for _, d := range defers {
		if err := p.planDefer(w, d); err != nil {
			return err
		}
	}
	return nil
}

// planField plans one field at w: in place when w's subgraph resolves it,
// otherwise through entity jumps into a subgraph that does.
//
// At the edge of a deferred block (w.blk is not the block of w's group),
// a field w's subgraph resolves is fetched by an entity jump into that same
// subgraph, so that w's fetch only selects the key; it stays in w's fetch
// (still delivered with the block) when the type has no key there, or when
// it is a leaf w's fetch selects anyway (a key field, or a field the
// enclosing part already asks for).
func (p *planning) planField(w walk, it *item) error {
	name := it.field.Name
	if p.local(w.g.service, w.typ, name, w.prov) {
		if w.g.blk == w.blk || name == "__typename" {
			return p.placeField(w, it)
		}
		k := p.keyInto(w.g.service, w.g.service, w.typ, w.prov)
		if k == nil || (len(it.sel) == 0 && (keyField(k, name) || w.pos.selects(it))) {
			return p.placeField(w, it)
		}
		conds := append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
		cw, err := p.jump(w, []hop{{service: w.g.service, key: k}}, conds, nil)
		if err != nil {
			return err
		}
		return p.placeField(cw, it)
	}
	target, hops := p.chooseTarget(w, name)
	if hops == nil {
		if ok, err := p.viaInterfaceObject(w, it); ok || err != nil {
			return err
		}
		if ok, err := p.viaParent(w, it); ok || err != nil {
			return err
		}
		return fieldUnresolvable(clientField(it), w.typ, "%s.%s: no subgraph can resolve it from subgraph %q at path %v", w.typ, name, w.g.service, w.path)
	}
	conds := append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
	cw, err := p.jump(w, hops, conds, nil)
	if err != nil {
		return err
	}
	if src := p.field(w.typ, name).Source(target); src != nil && len(src.Requires) > 0 {
		cw, err = p.addRequires(w, cw, src.Requires, it.dirs, []string{w.typ}, func(avoid func(*group) bool) (walk, error) {
			return p.jump(w, hops, conds, avoid)
		})
		if err != nil {
			return err
		}
	}
	if src := p.field(w.typ, name).Source(target); hasContext(src) {
		if it, err = p.addContext(w, cw, src, it); err != nil {
			return err
		}
	}
	return p.placeField(cw, it)
}

// placeField selects the field at w.pos and plans its sub-selection.
func (p *planning) placeField(w walk, it *item) error {
	if w.touched != nil {
		*w.touched = append(*w.touched, w.g)
	}
	if it.internal {
		it.respKey = w.pos.freeKey(it)
	}
	n := w.pos.add(&selNode{respKey: it.respKey, name: it.field.Name, args: it.field.Arguments, dirs: it.dirs,
		shape: p.shape(w.g.service, w.typ, it.field)})
	if len(it.sel) == 0 && len(it.kids) == 0 {
		return nil
	}
	cw := w
	cw.up = &frame{w: w, it: it}
	cw.pos = n
	cw.typ = namedType(it.field.Definition)
	cw.path = appendPath(w.path, it.respKey, it.field.Definition)
	cw.prov = nil
	cw.conds = append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
	if pf, ok := providedField(w.prov, w.typ, it.field.Name); ok {
		cw.prov = pf.SelectionSet
	}
	if fm := p.field(w.typ, it.field.Name); fm != nil {
		// Covariant fields: at an implementation, the field's type is the
		// implementation's ([Book] where the interface says [Product]), so
		// fragments below are filtered to what that type allows.
		// __typename is still selected there when the client's type is
		// abstract, so its fragments can be decided.
		if t := namedType(fm.Definition); t != "" && t != cw.typ {
			if p.isAbstract(cw.typ) && !p.isAbstract(t) {
				n.add(&selNode{respKey: "__typename", name: "__typename", shape: "String!"})
			}
			cw.typ = t
		}
		if src := fm.Source(w.g.service); src != nil && len(src.Provides) > 0 {
			cw.prov = append(append(ast.SelectionSet(nil), cw.prov...), src.Provides...)
		}
	}
	cw.typ = p.subgraphType(w.g.service, w.typ, it.field.Name, cw.typ, n)
	if it.internal {
		cw.client = nil
		var csel ast.SelectionSet
		if ci := w.client[it.respKey]; ci != nil && signature(ci.field) == signature(it.field) {
			csel = ci.sel
			c := &collector{p: p, typ: cw.typ}
			c.collect(csel, nil)
			cw.client = p.clientKeys(c.items, c.frags)
		}
		return p.planInternal(cw, it.kids, csel)
	}
	cw.peers = it.peers
	cw.always = it.always
	return p.planSelection(cw, it.sel, nil)
}

func appendPath(path []string, key string, def *ast.FieldDefinition) []string {
	out := make([]string, 0, len(path)+2)
	out = append(append(out, path...), key)
	if def != nil {
		for t := def.Type; t != nil && t.Elem != nil; t = t.Elem {
			out = append(out, "@")
		}
	}
	return out
}

// chooseTarget picks the subgraph to resolve w.typ.name from w: fewest
// jumps, then a subgraph already fetched at this path, then ascending name.
func (p *planning) chooseTarget(w walk, name string) (string, []hop) {
	var best string
	var bestHops []hop
	bestUsed := false
	// Chains of local keys first; a gathered key (gather.go) only when no
	// candidate is reachable without one.
	for _, gathered := range []bool{false, true} {
		for _, src := range p.candidates(w.typ, name) {
			var hops []hop
			if gathered {
				hops = p.route(w.g.service, src.Subgraph, w.typ, w.prov)
			} else {
				hops = p.directRoute(w.g.service, src.Subgraph, w.typ, w.prov)
			}
			if hops == nil {
				continue
			}
			used := w.b.byKey[groupKey(src.Subgraph, w.path, w.g, w.conds, w.blk)] != nil
			if bestHops == nil || len(hops) < len(bestHops) || (len(hops) == len(bestHops) && used && !bestUsed) {
				best, bestHops, bestUsed = src.Subgraph, hops, used
			}
		}
		if bestHops != nil {
			break
		}
	}
	return best, bestHops
}

// jump adds the representation of the object at w (its __typename and the
// key of each hop) and returns the position of the object in the entity
// group of the last hop.
// avoid, when set, rejects an existing entity group for the last hop (a
// sibling group is used instead).
func (p *planning) jump(w walk, hops []hop, conds []cond, avoid func(*group) bool) (walk, error) {
	return p.jumpAs(w, hops, conds, []string{w.typ}, "", w.typ, avoid)
}

// jumpAs is jump where the representation is gathered from objects of each
// of reqTypes; rewriteTo, when set, replaces their __typename (entities sent
// to an @interfaceObject subgraph carry the interface's name).
func (p *planning) jumpAs(w walk, hops []hop, conds []cond, reqTypes []string, rewriteTo, childTyp string,
	avoid func(*group) bool) (walk, error) {
	cur := w
	for i, h := range hops {
		// Select the key in the current group.
		kw := cur
		kw.touched = nil
		kw.prov = cur.prov
		kw.blk = cur.g.blk // keys belong to the fetch they are selected in
		if err := p.placeField(kw, p.internalItem(typenameField, cur.client)); err != nil {
			return walk{}, err
		}
		var keyItems []*item
		var gathered []*group
		if h.gather {
			var err error
			if keyItems, gathered, err = p.gatherKeyFields(kw, h); err != nil {
				return walk{}, err
			}
		}
		for _, s := range h.key.Selection {
			f, ok := s.(*ast.Field)
			if !ok || h.gather {
				continue
			}
			ki := p.internalItem(f, cur.client)
			keyItems = append(keyItems, ki)
			if err := p.placeField(kw, ki); err != nil {
				return walk{}, err
			}
		}
		var g *group
		if i == len(hops)-1 {
			g = w.b.entityGroupAvoiding(h.service, w.path, cur.g, conds, avoid, w.blk)
		} else {
			g = w.b.entityGroup(h.service, w.path, cur.g, conds, w.blk)
		}
		for _, d := range gathered {
			if d != g {
				g.dependOn(d)
			}
		}
		types := []string{w.typ}
		if i == 0 {
			types = reqTypes
		}
		// Entities sent to a subgraph that knows the type as an
		// @interfaceObject carry the interface's name, whatever concrete
		// type the gathered object already has.
		to := ""
		if i == 0 {
			to = rewriteTo
		}
		if to == "" && p.isInterfaceObject(w.typ, h.service) {
			to = w.typ
		}
		for _, t := range types {
			rf := g.reqs.fragment(t)
			tn := p.internalItem(typenameField, cur.client)
			rf.add(&selNode{respKey: tn.respKey, name: "__typename"})
			for _, ki := range keyItems {
				addReqNode(rf, ki, false)
			}
			if to != "" {
				g.addRewrite(Rewrite{Path: []string{"... on " + t, "__typename"}, SetValueTo: to})
			}
		}
		prev := cur
		cur = walk{b: w.b, g: g, pos: g.sel.fragment(childTyp), typ: childTyp, path: w.path, conds: conds,
			client: w.client, touched: w.touched, up: w.up, blk: w.blk, from: &prev}
	}
	return cur, nil
}

// planInterfaceObject plans at an object that w's subgraph knows only as an
// @interfaceObject: it cannot tell the concrete type, so __typename and
// fragments on implementations are fetched from a subgraph that knows them.
func (p *planning) planInterfaceObject(w walk, items []*item, frags []fragItem) error {
	var rest []*item
	for _, it := range items {
		if it.field.Name == "__typename" {
			rest = append(rest, it)
			continue
		}
		if err := p.planField(w, it); err != nil {
			return err
		}
	}
	if len(rest) == 0 && len(frags) == 0 {
		return nil
	}
	t := p.sg.Types[w.typ]
	for _, sub := range t.Subgraphs {
		// Only a subgraph with implementations can tell the concrete type.
		if p.isInterfaceObject(w.typ, sub) || len(p.possibleIn(w.typ, sub)) == 0 {
			continue
		}
		hops := p.route(w.g.service, sub, w.typ, w.prov)
		if hops == nil {
			continue
		}
		cw, err := p.jump(w, hops, w.conds, nil)
		if err != nil {
			return err
		}
		return p.planItems(cw, rest, frags, nil)
	}
	var f *ast.Field
	if len(rest) > 0 {
		f = clientField(rest[0])
	}
	return fieldUnresolvable(f, w.typ, "the concrete type of %s: no subgraph that knows its implementations is reachable from subgraph %q", w.typ, w.g.service)
}

// jumpInterfaceObject handles a field of an interface that only an
// @interfaceObject subgraph resolves: the objects are sent with the
// interface's name as __typename. It reports false when not applicable.
func (p *planning) jumpInterfaceObject(w walk, it *item) (bool, error) {
	for _, src := range p.candidates(w.typ, it.field.Name) {
		if !p.isInterfaceObject(w.typ, src.Subgraph) {
			continue
		}
		k := p.keyInto(w.g.service, src.Subgraph, w.typ, w.prov)
		if k == nil {
			continue
		}
		conds := append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
		reqTypes := p.possibleIn(w.typ, w.g.service)
		hops := []hop{{service: src.Subgraph, key: k}}
		cw, err := p.jumpAs(w, hops, conds, reqTypes, w.typ, w.typ, nil)
		if err != nil {
			return true, err
		}
		if len(src.Requires) > 0 {
			cw, err = p.addRequires(w, cw, src.Requires, it.dirs, reqTypes, func(avoid func(*group) bool) (walk, error) {
				return p.jumpAs(w, hops, conds, reqTypes, w.typ, w.typ, avoid)
			})
			if err != nil {
				return true, err
			}
		}
		if hasContext(src) {
			return true, fieldUnresolvable(clientField(it), w.typ, "%s.%s: a contextual argument through an @interfaceObject is not supported", w.typ, it.field.Name)
		}
		return true, p.placeField(cw, it)
	}
	return false, nil
}

// viaInterfaceObject resolves a field of a concrete type that no subgraph
// declares on it directly but an @interfaceObject subgraph declares on one
// of its interfaces: the object is sent as the interface.
func (p *planning) viaInterfaceObject(w walk, it *item) (bool, error) {
	def := p.sg.API.Types[w.typ]
	if def == nil {
		return false, nil
	}
	ifaces := append([]string(nil), def.Interfaces...)
	sortStrings(ifaces)
	for _, iface := range ifaces {
		for _, src := range p.candidates(iface, it.field.Name) {
			if !p.isInterfaceObject(iface, src.Subgraph) {
				continue
			}
			for _, k := range p.sg.Types[iface].KeysIn(src.Subgraph) {
				if !k.Resolvable || !p.canProvide(w.g.service, w.typ, k.Selection, w.prov) {
					continue
				}
				conds := append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
				hops := []hop{{service: src.Subgraph, key: k}}
				cw, err := p.jumpAs(w, hops, conds, []string{w.typ}, iface, iface, nil)
				if err != nil {
					return true, err
				}
				if len(src.Requires) > 0 {
					cw, err = p.addRequires(w, cw, src.Requires, it.dirs, []string{w.typ}, func(avoid func(*group) bool) (walk, error) {
						return p.jumpAs(w, hops, conds, []string{w.typ}, iface, iface, avoid)
					})
					if err != nil {
						return true, err
					}
				}
				if hasContext(src) {
					return true, fieldUnresolvable(clientField(it), w.typ, "%s.%s: a contextual argument through an @interfaceObject is not supported", w.typ, it.field.Name)
				}
				return true, p.placeField(cw, it)
			}
		}
	}
	return false, nil
}

// withFragmentKeys returns client extended with the response keys the
// client's fragments on other types use at this object (first use wins);
// client itself is returned when there are no fragments.
func withFragmentKeys(p *planning, client map[string]*item, frags []fragItem) map[string]*item {
	if len(frags) == 0 {
		return client
	}
	out := make(map[string]*item, len(client))
	for k, v := range client {
		out[k] = v
	}
	for _, f := range frags {
		c := &collector{p: p, typ: f.typeCond}
		c.collect(f.sel, f.dirs)
		for _, it := range c.items {
			if _, ok := out[it.respKey]; !ok {
				out[it.respKey] = it
			}
		}
	}
	return out
}

// reservePeers adds to w.client the response keys the client uses under
// the peers of the field that led to w (so an internal field never takes
// one a merged sibling selection uses for something else), and records on
// each item the sub-selections of its own peers: the other items with its
// response key here, and the peers' items with that key.
func (p *planning) reservePeers(w *walk, items []*item) {
	var peerItems []*item
	if len(w.peers) > 0 {
		c := &collector{p: p, typ: w.typ, dm: w.b.mode}
		c.collect(w.peers, nil)
		peerItems = c.items
		w.peers = nil
		if len(peerItems) > 0 {
			client := make(map[string]*item, len(w.client)+len(peerItems))
			for k, v := range w.client {
				client[k] = v
			}
			for _, pi := range peerItems {
				if ex, ok := client[pi.respKey]; !ok {
					client[pi.respKey] = pi
				} else if signature(ex.field) != signature(pi.field) {
					client[pi.respKey] = conflictItem
				}
			}
			w.client = client
		}
	}
	setPeers(items, peerItems)
}

// setPeers records on each item the sub-selections of the other items with
// its response key among items and peerItems.
func setPeers(items, peerItems []*item) {
	for _, it := range items {
		it.peers, it.always = nil, nil
		for _, o := range items {
			if o != it && o.respKey == it.respKey {
				it.peers = append(it.peers, o.sel...)
				if len(o.dirs) == 0 {
					it.always = append(it.always, o.sel...)
				}
			}
		}
		for _, o := range peerItems {
			if o.respKey == it.respKey {
				it.peers = append(it.peers, o.sel...)
			}
		}
	}
}

// clientField is it's client field, nil for an internal one.
func clientField(it *item) *ast.Field {
	if it == nil || it.internal {
		return nil
	}
	return it.field
}
