// The operation the playground opens on (a fresh browser, no saved tabs):
// one request across the demo graph's subgraphs (`junction dev`), a good
// first look at the Query plan and Trace views.
export const exampleQuery = `# Welcome to Junction's playground.
#
# Run this operation with the ▶ button (Ctrl-Enter). Then open, on the left:
#   - Query plan: the subgraph fetches Junction plans for the editor's operation
#   - Trace: when each fetch ran, how long it took, how large its answer was
#   - Headers & token: a JWT for Authorization, other headers in the Headers tab
#   - Registry: the subgraphs and the supergraph version
# and the Documentation Explorer shows which subgraph resolves each field.

query TopProducts {
  topProducts(first: 3) {
    upc
    name
    price
    inStock
    shippingEstimate
    reviews {
      body
      author {
        username
      }
    }
  }
}
`;
