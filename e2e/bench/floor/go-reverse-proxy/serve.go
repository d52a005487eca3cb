package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
)

// run serves the reverse proxy on a free loopback port, writes that port to cfg.PortFile once it
// accepts connections, and returns when ctx is done, after closing the listener, every client
// connection and the idle upstream ones (as loopback-server.mjs does on SIGTERM).
func run(ctx context.Context, cfg Config) error {
	proxy, transport, err := newReverseProxy(cfg.Upstream, cfg.UpstreamCA)
	if err != nil {
		return err
	}
	defer transport.CloseIdleConnections()
	// HTTP/1.1 only, as the Node.js pass-through serves and the benchmark's clients speak.
	server := &http.Server{Handler: proxy, Protocols: http1Only()}
	if cfg.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return err
		}
		server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() {
		if server.TLSConfig == nil {
			served <- server.Serve(listener)
		} else {
			served <- server.ServeTLS(listener, "", "")
		}
	}()
	if err := writePortFile(cfg.PortFile, listener.Addr().(*net.TCPAddr).Port); err != nil {
		server.Close()
		return err
	}
	select {
	case err := <-served:
		// Serve returns before a stop only when the listener fails.
		return err
	case <-ctx.Done():
	}
	// A benchmark stops it between runs: nothing is left worth waiting for.
	if err := server.Close(); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// writePortFile writes port beside portFile and renames it, so the benchmark never reads it
// half-written.
func writePortFile(portFile string, port int) error {
	partial := portFile + ".partial"
	if err := os.WriteFile(partial, []byte(strconv.Itoa(port)), 0o644); err != nil {
		return err
	}
	return os.Rename(partial, portFile)
}
