// Command demo-subgraphs runs the four demo subgraphs as HTTP servers on
// consecutive ports: accounts on the --listen-base port, then products,
// reviews and inventory on the next three. It prints one line containing
// "ready" once all four accept connections and stops on SIGINT or SIGTERM.
package main
