package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

func TestProvidesNested(t *testing.T) {
	sub := func(id string) map[string]any { return obj("Subcategory", "id", id, "name", "provided "+id) }
	products := &fedtest.Subgraph{Name: "products", Query: map[string]fedtest.Resolver{
		"featured": func(map[string]any) (any, error) {
			return []any{obj("Product", "id", "p1", "title", "Kettle",
				"category", obj("Category", "id", "c1", "name", "provided c1", "subcategories", []any{sub("s1"), sub("s2")}))}, nil
		},
		"product": func(args map[string]any) (any, error) {
			return obj("Product", "id", args["id"], "title", "Kettle", "category", obj("Category", "id", "c1")), nil
		},
	}}
	categories := &fedtest.Subgraph{Name: "categories", Entities: func(rep map[string]any) (any, error) {
		return obj("Category", "id", rep["id"], "name", "owned "+rep["id"].(string), "description", "desc "+rep["id"].(string),
			"subcategories", []any{obj("Subcategory", "id", "s1"), obj("Subcategory", "id", "s2")}), nil
	}}
	subcategories := &fedtest.Subgraph{Name: "subcategories", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return obj("Subcategory", "id", id, "name", "owned "+id, "slug", "slug-"+id), nil
	}}
	all := []*fedtest.Subgraph{products, categories, subcategories}
	gw := startCase(t, "provides-nested", all...)

	// Every field is provided on this path: one fetch only.
	gw.Expect(`{ featured { id category { id name subcategories { id name } } } }`, nil,
		`{"data":{"featured":[{"id":"p1","category":{"id":"c1","name":"provided c1","subcategories":[{"id":"s1","name":"provided s1"},{"id":"s2","name":"provided s2"}]}}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, categories: 0, subcategories: 0})

	// Fields not provided are fetched from their owners; provided ones are not re-fetched.
	gw.Expect(`{ featured { category { name description subcategories { name slug } } } }`, nil,
		`{"data":{"featured":[{"category":{"name":"provided c1","description":"desc c1","subcategories":[{"name":"provided s1","slug":"slug-s1"},{"name":"provided s2","slug":"slug-s2"}]}}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, categories: 1, subcategories: 1})

	// The same fields on a path without @provides come from their owners.
	gw.Expect(`{ product(id: "p9") { title category { name subcategories { id name } } } }`, nil,
		`{"data":{"product":{"title":"Kettle","category":{"name":"owned c1","subcategories":[{"id":"s1","name":"owned s1"},{"id":"s2","name":"owned s2"}]}}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, categories: 1, subcategories: 1})

	// Both paths in one operation: one root fetch; only the path without
	// @provides goes to the owner.
	gw.Expect(`{ featured { category { name } } product(id: "p9") { category { name } } }`, nil,
		`{"data":{"featured":[{"category":{"name":"provided c1"}}],"product":{"category":{"name":"owned c1"}}}}`)
	if got, want := reps(t, categories), `[{"__typename":"Category","id":"c1"}]`; got != want {
		t.Errorf("categories representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, categories: 1, subcategories: 0})
}

func TestProvidesAbstract(t *testing.T) {
	media := &fedtest.Subgraph{Name: "media", Supertypes: map[string][]string{"Book": {"Media", "SearchResult"}, "Movie": {"Media", "SearchResult"}},
		Query: map[string]fedtest.Resolver{
			"feed": func(map[string]any) (any, error) {
				return []any{obj("Book", "id", "b1", "title", "provided b1"), obj("Movie", "id", "m1", "title", "provided m1")}, nil
			},
			"results": func(map[string]any) (any, error) {
				return []any{obj("Book", "id", "b1", "title", "provided b1"), obj("Movie", "id", "m1")}, nil
			},
			"latest": func(map[string]any) (any, error) {
				return []any{obj("Book", "id", "b2"), obj("Movie", "id", "m2")}, nil
			},
		}}
	books := &fedtest.Subgraph{Name: "books", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return obj("Book", "id", id, "title", "owned "+id, "pages", 100), nil
	}}
	movies := &fedtest.Subgraph{Name: "movies", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return obj("Movie", "id", id, "title", "owned "+id, "minutes", 90), nil
	}}
	gw := startCase(t, "provides-abstract", media, books, movies)

	gw.Expect(`{ feed { id ... on Book { title } ... on Movie { title } } }`, nil,
		`{"data":{"feed":[{"id":"b1","title":"provided b1"},{"id":"m1","title":"provided m1"}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{media: 1, books: 0, movies: 0})

	gw.Expect(`{ feed { ... on Book { title pages } ... on Movie { title minutes } } }`, nil,
		`{"data":{"feed":[{"title":"provided b1","pages":100},{"title":"provided m1","minutes":90}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{media: 1, books: 1, movies: 1})

	// On the union only Book.title is provided: Movie.title comes from movies.
	gw.Expect(`{ results { __typename ... on Book { title } ... on Movie { title } } }`, nil,
		`{"data":{"results":[{"__typename":"Book","title":"provided b1"},{"__typename":"Movie","title":"owned m1"}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{media: 1, books: 0, movies: 1})

	gw.Expect(`{ latest { ... on Book { title } ... on Movie { title } } }`, nil,
		`{"data":{"latest":[{"title":"owned b2"},{"title":"owned m2"}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{media: 1, books: 1, movies: 1})
}

func TestProvidesCircularInterface(t *testing.T) {
	songs := map[string]map[string]any{
		"s1": obj("Song", "id", "s1", "length", 180, "nextID", "s2"),
		"s2": obj("Song", "id", "s2", "length", 200, "nextID", "s1"),
	}
	tracks := &fedtest.Subgraph{Name: "tracks", Supertypes: map[string][]string{"Song": {"Track"}},
		Query: map[string]fedtest.Resolver{"track": func(map[string]any) (any, error) { return songs["s1"], nil }},
		Fields: map[string]fedtest.FieldResolver{"Song.next": func(p map[string]any, _ map[string]any) (any, error) {
			return songs[p["nextID"].(string)], nil
		}},
		Entities: func(rep map[string]any) (any, error) { return songs[rep["id"].(string)], nil },
	}
	lengths := &fedtest.Subgraph{Name: "lengths", Entities: func(rep map[string]any) (any, error) {
		s := songs[rep["id"].(string)]
		return obj("Song", "id", s["id"], "length", s["length"].(int)+1), nil
	}}
	gw := startCase(t, "provides-circular", tracks, lengths)

	gw.Expect(`{ track { next { ... on Track { next { __typename } } } } }`, nil,
		`{"data":{"track":{"next":{"next":{"__typename":"Song"}}}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{tracks: 1, lengths: 0})

	// Song.next provides length; the root track does not.
	gw.Expect(`{ track { __typename next { __typename ... on Song { id } next { ... on Song { id } } } ... on Song { id length next { id length } } } }`, nil,
		`{"data":{"track":{"__typename":"Song","next":{"__typename":"Song","id":"s2","next":{"id":"s1"},"length":200},"id":"s1","length":181}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{tracks: 1, lengths: 1})
}

// TestProvidesInterfaceChild: the shelf's pets are provided through an
// interface; Bird.wingspan is reached through Bird's own key, Fish.fins
// (Fish is no entity) through the parent Box's key.
func TestProvidesInterfaceChild(t *testing.T) {
	pets := []any{obj("Bird", "id", "b1", "name", "Tweety"), obj("Fish", "id", "f1", "name", "Nemo")}
	shelves := &fedtest.Subgraph{Name: "shelves",
		Supertypes: map[string][]string{"Box": {"Shelf"}, "Bird": {"Pet"}, "Fish": {"Pet"}},
		Query: map[string]fedtest.Resolver{"shelf": func(map[string]any) (any, error) {
			return obj("Box", "id", "x1", "pets", pets), nil
		}},
	}
	petsSG := &fedtest.Subgraph{Name: "pets",
		Supertypes: map[string][]string{"Box": {"Shelf"}, "Bird": {"Pet"}, "Fish": {"Pet"}},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Box":
				return obj("Box", "id", rep["id"], "pets", []any{
					obj("Bird", "id", "b1", "name", "Tweety", "wingspan", 20),
					obj("Fish", "id", "f1", "name", "Nemo", "fins", 5),
				}), nil
			case "Bird":
				return obj("Bird", "id", rep["id"], "name", "Tweety", "wingspan", 21), nil
			}
			return nil, nil
		},
	}
	gw := startCase(t, "provides-interface-child", shelves, petsSG)
	gw.Expect(`{ shelf { id pets { id name } } }`, nil,
		`{"data":{"shelf":{"id":"x1","pets":[{"id":"b1","name":"Tweety"},{"id":"f1","name":"Nemo"}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shelves: 1, petsSG: 0})
	gw.Expect(`{ shelf { id pets { name ... on Fish { fins } } } }`, nil,
		`{"data":{"shelf":{"id":"x1","pets":[{"name":"Tweety"},{"name":"Nemo","fins":5}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shelves: 1, petsSG: 1})
	gw.Expect(`{ shelf { pets { id ... on Bird { wingspan } } } }`, nil,
		`{"data":{"shelf":{"pets":[{"id":"b1","wingspan":21},{"id":"f1"}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shelves: 1, petsSG: 1})
}

// TestProvidesShareableRoot: a shareable root field is taken from the
// subgraph whose @provides saves entity fetches.
func TestProvidesShareableRoot(t *testing.T) {
	clips := func(withTitles bool) []any {
		s, f := obj("Song", "id", "s1"), obj("Film", "id", "f1")
		if withTitles {
			s["title"] = "Song One"
		}
		return []any{s, f}
	}
	super := map[string][]string{"Song": {"Clip"}, "Film": {"Clip"}}
	archive := &fedtest.Subgraph{Name: "archive", Supertypes: super,
		Query: map[string]fedtest.Resolver{"clips": func(map[string]any) (any, error) { return clips(false), nil }}}
	library := &fedtest.Subgraph{Name: "library", Supertypes: super,
		Query: map[string]fedtest.Resolver{"clips": func(map[string]any) (any, error) { return clips(true), nil }}}
	titles := &fedtest.Subgraph{Name: "titles", Entities: func(rep map[string]any) (any, error) {
		if rep["__typename"] == "Film" {
			return obj("Film", "id", rep["id"], "title", "Film One"), nil
		}
		return obj("Song", "id", rep["id"], "title", "owned song"), nil
	}}
	gw := startCase(t, "provides-shareable-root", archive, library, titles)
	gw.Expect(`{ clips { ... on Song { id title } ... on Film { id } } }`, nil,
		`{"data":{"clips":[{"id":"s1","title":"Song One"},{"id":"f1"}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{archive: 0, library: 1, titles: 0})
	gw.Expect(`{ clips { ... on Song { id title } ... on Film { id title } } }`, nil,
		`{"data":{"clips":[{"id":"s1","title":"Song One"},{"id":"f1","title":"Film One"}]}}`)
	if got, want := reps(t, titles), `[{"__typename":"Film","id":"f1"}]`; got != want {
		t.Errorf("titles representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{archive: 0, library: 1, titles: 1})
}

// TestProvidesInEntityFetch: the @provides is on a field fetched by an
// entity call (Product.reviews in reviews), not at the root.
func TestProvidesInEntityFetch(t *testing.T) {
	products := &fedtest.Subgraph{Name: "products", Query: map[string]fedtest.Resolver{"products": func(map[string]any) (any, error) {
		return []any{obj("Product", "upc", "1", "name", "Table")}, nil
	}}}
	reviews := &fedtest.Subgraph{Name: "reviews", Entities: func(rep map[string]any) (any, error) {
		return obj("Product", "upc", rep["upc"], "reviews", []any{
			obj("Review", "body", "Sturdy", "author", obj("User", "id", "u1", "username", "provided-ada")),
		}), nil
	}}
	accounts := &fedtest.Subgraph{Name: "accounts", Entities: func(rep map[string]any) (any, error) {
		return obj("User", "id", rep["id"], "username", "owned-ada", "birthday", "12-10"), nil
	}}
	gw := startCase(t, "provides-in-entity-fetch", products, reviews, accounts)
	gw.Expect(`{ products { name reviews { body author { username } } } }`, nil,
		`{"data":{"products":[{"name":"Table","reviews":[{"body":"Sturdy","author":{"username":"provided-ada"}}]}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, reviews: 1, accounts: 0})
	gw.Expect(`{ products { reviews { author { username birthday } } } }`, nil,
		`{"data":{"products":[{"reviews":[{"author":{"username":"provided-ada","birthday":"12-10"}}]}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{products: 1, reviews: 1, accounts: 1})
}
