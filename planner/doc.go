// Package planner turns a validated client operation into an immutable Plan:
// a tree of Sequence, Parallel, Flatten, Fetch, Condition and Defer nodes,
// printed in Apollo's query-plan text format. Plans are deterministic:
// byte-identical whatever the order of subgraphs in the supergraph. It
// imports schema and nothing under internal/.
//
// API: New(sg, opts...) returns a Planner (safe for concurrent use);
// (*Planner).Plan(doc, operationName) plans one operation of a document
// validated against sg.API, through an LRU plan cache keyed by supergraph
// version, active progressive-override labels, operation name and document
// text; PlanWithLabels does the same with the labels decided by the caller
// for one request (OverrideLabels lists them); Print renders a Plan.
// Options: WithOverrideLabels (the label policy of Plan), WithCacheSize.
// Errors wrap ErrNoOperation or ErrUnsatisfiable. A client field no
// subgraph can resolve where it is selected does not fail the plan: it is
// left out at objects of the type it was planned at and recorded in
// Plan.Unresolved (its document offset and that type) with its error, and
// the plan is built again (unresolved.go); the executor answers it null
// with that error on objects of that type, and as usual on others (a
// Node.id no subgraph gives for a Room is still answered for a Person).
// An internal
// field (a key or @requires field) that cannot be resolved still fails the
// plan. At an object known only as an @interfaceObject, the concrete type
// comes from a subgraph with implementations of it; with none reachable,
// __typename is such an unresolved field. A Planner is shared and
// never changed by a call: each call plans in its own planning context
// (the planner plus that call's active labels and skipped fields).
//
// Prepared plans: when a plan is built, before it is cached and shared,
// every Fetch is prepared once (prepare.go): its parsed Selection, its
// RootKeys (what it writes at the top) and its BodyStart (the request
// body's JSON up to the variables), and its BatchKey; Flattens that become
// ready at the same moment (sibling branches of a Parallel or sibling
// blocks of a Defer, and the next steps of those branches while every step
// is shared) and fetch the same
// selection from the same subgraph are put in a Round, whose lookups the
// executor sends in one _entities call (rounds.go). Branches of a
// Parallel that may write the same response key of the same object, or
// one below a key the other writes (Flatten path, RootKeys, overlapping
// entity types; the root for root fetches), are grouped in a Sequence in
// plan order in Parallel.Branches, what the executor runs, so the
// later-in-plan write always wins and no value depends on completion
// order (order.go); the printed plan keeps Parallel.Nodes. Sibling
// deferred blocks of a Defer are compared the same way, each with what its
// nested blocks write and what its payload reads from the enclosing part:
// those that overlap are chained in plan order (Defer.Chains, After,
// Branches), a chained block starting once the one before it and its
// nested blocks are complete and shaped, so payloads and their order never
// depend on completion order; only the chains' first blocks share rounds;
// the printed plan shows "after: i" on a chained block. The executor reads these and keeps no memo of its own;
// NewPlan prepares a plan built by hand (with no schema, any two entity
// types count as overlapping).
//
// Invariants: the client document is never mutated; a Plan is never
// mutated after Plan returns it (its fetches are prepared before); output never depends on map iteration
// order (every choice is made in client order or in the ascending subgraph
// order of the schema model).
//
// # Algorithm
//
// Normalising. The operation's selection set is walked object by object.
// At each object the client's selections are collected into items: named
// fragments are inlined, fragments whose type condition the object's type
// satisfies are flattened, literal @skip/@include are evaluated (the
// selection is dropped or the directive removed), directives on variables
// are kept and pushed down from fragments onto their fields, and fields with
// the same response key and directives are merged. Other directives are
// dropped, except @defer in queries (see Deferred fragments). This is not
// the executor's CollectFields (schema.CollectFields) on purpose: a plan is
// shared by every variable value, so @skip/@include on variables stay
// conditions on the items (and split their merging), fragments on other
// types of an abstract position are kept per type, and deferred fragments
// become blocks. "Does type T satisfy condition C" is the one answer of
// schema.TypeConditions (in the supergraph), as in the executor.
// Root __typename, __schema and __type are left to the executor; a query of
// only those has Root == nil.
//
// Fetch groups. A group is a future Fetch: a root fetch of one subgraph, or
// an entity fetch of one subgraph at one response path (Flatten.Path:
// response keys, "@" for each list level). Each group holds the subgraph
// selection being built and, for entity groups, the representation
// selection (Fetch.Requires) and its parent and other dependencies. An
// entity group is identified by (subgraph, path, parent group, enclosing
// variable conditions): every jump that lands on the same key reuses it,
// so an entity needed twice at the same path is fetched once.
//
// Fields. A field is placed in the current group when the group's subgraph
// resolves it there: the subgraph declares it, it is not @external (unless
// a @provides on the path provides it), it is not overridden away, and it
// has no @requires. Otherwise the planner picks a target among the
// subgraphs that can resolve it (not external, not overridden away by an
// active @override, not behind an inactive progressive-override label): the
// target reached with the fewest entity jumps, then one already fetched at
// this path, then ascending name. The route is a breadth-first search over
// subgraphs (ascending name) where an edge S->X exists when X has a
// resolvable @key of the type that S can select in place (every key field
// local to S, nested keys recursively); resolvable: false keys are never
// edges. The search visits each subgraph once, so it always terminates and
// finds a route when one exists: there is no search limit. When no such
// chain exists, a target key whose fields are not all local may be gathered
// (gather.go): its fields are planned at the object like @requires fields,
// parts coming from other subgraphs through their own jumps, and the target
// group depends on those fetches; feasibility is checked before planning,
// with gathered keys nested at most three deep. A field still out of reach
// (its object is no entity where it could go) is fetched through the
// nearest enclosing entity instead (parent.go): jump there (from any group
// that selects it) into a subgraph that resolves the whole path down to the
// object, select the path again and place the field at its end, or, when
// that subgraph does not resolve the field, jump on from the object there
// through its key; the answer merges by position. Inline
// fragments left empty by such moves are pruned when the fetch is emitted. For each jump
// the source group selects __typename and the key, and the target group's
// representation gets the same fields; the field is then placed in the
// target group under "... on T" and its sub-selection continues there.
//
// @requires. A field with @requires always goes through an entity fetch to
// its subgraph (even from that subgraph). Its required field set is planned
// at the parent-side object like client fields (so parts may come from yet
// other subgraphs, through their own jumps, which may themselves carry
// requirements: chains and cycles between subgraphs become a sequence of
// fetches), added to the representation, and the entity group depends on
// every group that fetches part of it. Inline fragments in the field set
// apply in place at a type that satisfies them and per concrete type at an
// abstract one (with __typename selected so the executor can decide them;
// possible types are always the supergraph's, so a runtime type that is
// @inaccessible in the API schema still has its fragment's fields fetched
// and sent);
// the representation keeps them as inline fragments, so an object of
// another type is sent without their fields. At an abstract position, a
// required interface field the subgraph does not resolve on the interface
// is asked per concrete type, as client fields are. A field reached through
// an @interfaceObject jump gets its requirements in every representation
// fragment of that jump. A field set that needs itself (a cycle, possible
// only in hand-written supergraphs) fails with ErrUnsatisfiable. When the entity
// group already sends a required field under the same name but read from
// another response key (the same field with other arguments), the field
// goes to a sibling entity fetch of the same subgraph at the same path:
// one representation cannot carry two values under one name. So does a
// field whose entity group itself fetches part of its requirements (a
// required field local to that subgraph, whose nested fields come from
// another): the group fetches them, the other subgraph adds its part, the
// sibling fetches the field. Required fields carry the variable
// @skip/@include of the field that requires them, so a fetch made only for
// them runs under the same Condition.
//
// Contextual arguments (context.go). A field with an argument taken from a
// context (@fromContext) is, like a @requires field, always fetched through
// an entity fetch into its subgraph. For each such argument the planner
// climbs the enclosing objects (walk.up), nearest first and the field's own
// object excluded, to the first whose type sets the context (the type, an
// interface it implements or a union it belongs to, as Apollo matches
// them); the context's selection is planned there like required fields (so
// parts may come from other subgraphs), the entity group depends on the
// groups that fetch it, and the field is sent with the argument set to the
// variable $__junction_ctx_<i>, declared with the argument's subgraph type.
// Fetch.Context records, per variable, the enclosing object's level in the
// Flatten path and the selection (response keys) to read there; the plan
// text prints it as a "context { ... } =>" block. With no enclosing object
// setting the context the field is unresolvable where it is selected.
// Fetch.ContextOperation(n) is the same fetch for n distinct sets of values
// at once (aliased _entities selections), which the executor sends when the
// entities' values differ.
//
// Internal fields. Keys, __typename and required fields keep their name as
// response key unless the client uses that key at that object for another
// field (another name or other arguments; at an abstract object, in a
// fragment on a concrete type too; under another @skip/@include variant of
// the same response key too, which the subgraph merges with this one:
// walk.peers, selNode.freeKey); then they are aliased
// "__junction_<name>" (the executor reads a __typename fetched so under
// "__junction___typename"; nested field sets are checked against the client's
// nested selection); an internal field whose key is already taken at that
// position of the subgraph query by another field (the same field required
// with other arguments) gets the next free "__junction_<name>_<i>".
// Fetch.Requires records Name = representation key, Alias = response key in
// the gathered data.
//
// Abstract types. At an interface or union object the subgraph's selection
// always includes __typename. An interface field the subgraph declares on
// the interface stays there when every implementation the subgraph can
// return resolves it in place; otherwise (one is @external there, say) it is
// asked per concrete type like a field the subgraph does not declare. A
// field only an @interfaceObject subgraph resolves is fetched from it with
// the interface's key: one representation
// fragment per concrete type the source subgraph can return, each with an
// InputRewrite setting __typename to the interface. Otherwise the field is
// asked per concrete type ("... on C" for each type the subgraph can return,
// ascending), each of which may jump on its own, its sub-selection planned
// at the implementation field's own type (covariant fields: [Book] where
// the interface says [Product], so fragments on other implementations are
// dropped there, __typename still selected); when the subgraph has no
// implementation at all, it is planned like an object's field (a jump on
// the interface's own @key, or ErrUnsatisfiable). Fragments on types the
// subgraph cannot return are dropped. Members of a shareable path
// (members.go): below a field several subgraphs resolve (@shareable), only
// the members every one of those subgraphs can return there are selected
// (Apollo's rule), so the answer never depends on the subgraph picked: an
// object of another member keeps its __typename and its member-specific
// fields answer null. One source per response key (members.go, oneSource):
// a field selected on the abstract type and again, the same field and
// arguments, in a fragment on an implementation is planned once, at the
// abstract type (the fragment's sub-selection folded into it); a leaf an
// unconditional sibling selection of the same response key selects there
// is left to it. When only the abstract-level selection is conditional (one
// @skip/@include on a variable), the fragment's field is planned under the
// opposite condition too, so exactly one of the two is fetched whatever the
// variable. Two fetches from different subgraphs (an @interfaceObject's
// field and the implementation's own) never race to write one key.
// At an object a subgraph knows only as
// an @interfaceObject, fields are planned normally, but __typename and
// fragments on implementations are fetched from a subgraph that knows the
// implementations (an entity fetch on the interface's key). A field of a
// concrete type that only an @interfaceObject declares on one of its
// interfaces is fetched likewise, the object sent as the interface. Every
// entity fetch into a subgraph that knows the type as an @interfaceObject
// rewrites __typename to the interface's name, whatever concrete type the
// object already has (the executor never shows that name: an object whose
// __typename is an interface is shaped with its concrete type unknown).
//
// Variable conditions. @skip/@include on variables stay on the field in the
// subgraph query (and their variables are declared there). The directives
// are not repeatable: a field inheriting a second condition of the same
// kind from a fragment around it keeps one and is wrapped in
// `...@include(if:$v){...}` for the other (identical ones are deduped). A
// composite field whose subfields were all skipped by literals selects
// __typename, since a selection set cannot be empty. An entity group
// created below (or for) such a field carries the condition and is wrapped
// in Condition nodes, printed Include(if: $v) / Skip(if: $v).
//
// Root fields. Query (and subscription) root fields are grouped by subgraph;
// the root fetches run in parallel. A root field several subgraphs resolve
// (@shareable) is planned by trial (roots.go): planned alone in each
// candidate, the one needing the fewest fetches wins (a subgraph already
// holding a root fetch, or that another root field of the operation can only
// come from, counts one less), then the one whose entity fetches select
// fewest fields (a @provides sparing part of one), ties to a subgraph
// already used, then ascending name. When no candidate serves the whole selection (no keys
// below the root to jump with), the selection is split among candidates,
// each top-level selection to the cheapest one serving it alone (recursing
// one level down when none does), and the root field is fetched from each
// with its part; the executor deep-merges root data. Mutation root fields
// are cut into runs of consecutive fields of one subgraph (a shareable field
// is chosen by the same trial, the current run's subgraph counting one
// fetch less; never split); each run is planned separately and the runs,
// each with its entity fetches, run strictly in sequence.
//
// Scheduling. The plan says what waits for what (emit.go). A group
// depends on the group its objects' keys are selected in and on the groups
// its gathered keys and @requires fields come from; these dependencies are
// exact, then transitively reduced (a group pruned empty stands for its own
// dependencies). They are nested as Apollo's plans are: groups with no
// dependency path between them (and no shared root response key) run in
// Parallel, one branch per connected part; within a connected part the
// groups without dependencies run first (in Parallel when several), the
// rest in Sequence after them, nested the same way. A forest (each group
// needs at most one other, the usual case, the benchmark query included)
// is expressed exactly: each fetch starts as soon as the one it needs is
// done, and independent chains never wait for each other. A group needing
// several others (a diamond through @requires, an N-shaped graph) may wait
// for more than it needs, never for less. Root groups writing a common root
// key share one Parallel, whose root fetches the executor merges in plan
// order once all have answered. Subgraph operations are numbered by
// dependency level, then creation order. The executor runs the tree as it
// is: the plan alone decides the schedule. Mutation runs are emitted one
// after the other in one Sequence.
//
// Deferred fragments. In a query, a fragment (inline or spread) with an
// active @defer (no `if`, `if: true`, or `if: $v` with $v true) is not
// inlined: it becomes a block planned apart. The block's fields are planned
// from the object where the fragment sits, but never placed in that
// object's fetch: a field its subgraph resolves is fetched through an
// entity jump into the same subgraph (that fetch only selects the key), any
// other field through the usual jumps; a field of a type without a usable
// key stays in the enclosing fetch (the block is still delivered apart).
// Groups carry their block and are keyed by it, so nothing is shared across
// blocks. At an abstract position a block is planned per concrete type,
// except the leaf interface fields of a fragment on the position's own type
// that the same selection undeferred takes from an @interfaceObject
// subgraph: those are taken from it the same way (deferAtInterface), so
// deferring never changes which subgraph answers a field. A deferred
// fragment at the root gets root fetches of its own.
// Each block is emitted like a plan (nested within the block) into
// a DeferredBlock of a Defer node whose Primary is the rest; a block with
// deferred fragments inside has a Defer as its Node. Depends names the
// fetches of the enclosing part the block starts from (they print with
// "id: N"). Each block records its path, parent type, label, the client's
// fragment selection and the @defer directive's offset in the document,
// from which the executor shapes the incremental payloads. @defer(if: $v)
// is planned both ways: the plan is Condition(if: $v) { Then { Defer ... }
// Else { ... } } (up to four such variables; further ones are not
// deferred).
//
// Subgraph operations. Fetch.Operation is a compact document:
// "query Name($representations:[_Any!]!,$v:T=default){_entities(...){...on T{...}}}"
// for entities, the root selection for root fetches; only the variables the
// operation uses are declared, with the client's types and defaults,
// ascending. When the client operation is named, subgraph operations are
// named <name>__<subgraph>__<index>. Fields of one response key whose types
// differ in the subgraph (@join__field(type:), e.g. ID! on one object and ID
// on another under sibling fragments) would make the subgraph reject the
// operation: all but the first shape are aliased __junction_alias_<n> and
// the Fetch's OutputRewrites rename them back (conflicts.go). Below a field
// whose subgraph type is an implementation of the supergraph's interface,
// planning in that subgraph continues in the implementation (fragments on
// other implementations are not sent; __typename still is).
package planner
