// Package products is the products demo subgraph: Product @key(upc) with
// name, price and weight, and topProducts(first: Int = 5) in upc order; a
// negative first is a BAD_USER_INPUT error. Unknown upcs resolve to null.
package products
