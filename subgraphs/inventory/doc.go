// Package inventory is the inventory demo subgraph: Product.inStock and
// Product.shippingEstimate @requires(fields: "price weight"), computed from
// the representation's price and weight (0 above a price of 1000, else
// weight / 2, integer division; null when either is missing). It has no
// root fields of its own.
package inventory
