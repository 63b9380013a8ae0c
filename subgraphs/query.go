package subgraphs

// BenchmarkQuery is the public gateway benchmark's operation over the demo
// subgraphs: every user's reviews with their products, the products'
// reviews and authors, and the top products, with nested entity jumps
// through all four subgraphs and a @requires (shippingEstimate). The load
// benchmark (test/bench) and the end-to-end tests (test/e2e) both use it.
const BenchmarkQuery = `query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review
    author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review
    product { ...Product } } } } }
}
fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }`
