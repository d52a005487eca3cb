// Command go-reverse-proxy is the least a Go proxy in front of the kube-apiserver does, the Go
// counterpart of ../bare-pass-through.mjs: it terminates HTTPS (or serves plain HTTP when given no
// certificate), forwards each request with the standard library's httputil.ReverseProxy over a
// keep-alive pool (the apiserver's certificate verified) and copies the answer back. No routing,
// filtering, metrics or logs beyond the proxy's own errors. pass-through-floor.bench.ts measures it
// beside the Node.js pass-through and the ControllerMesh proxy.
//
// Usage: go-reverse-proxy <port file> <apiserver URL> <apiserver CA file> [<cert file> <key file>]
//
// It listens on a free loopback port, writes that port to the port file (as the benchmark's Node.js
// helpers do, see ../../loopback-server.mjs) and stops on SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-reverse-proxy: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "go-reverse-proxy: %v\n", err)
		os.Exit(1)
	}
}
